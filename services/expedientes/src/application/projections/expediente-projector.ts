import { RecordedExpedienteEvent } from '../expediente-stream';
import { evolveDetail, ExpedienteDetail } from './expediente-detail';
import { evolveListItem, ExpedienteListItem } from './expediente-list';
import { NO_VIEWS_STORED, Positioned, ViewsStore, ViewsToWrite, ViewsWrite } from './read-models';

type Evolve<TView> = (view: TView | null, recorded: RecordedExpedienteEvent) => TView | null;

/**
 * The view after `events` (of one expediente, in order); undefined when it had folded them in
 * already (or builds none from them). Positions only grow, so a view that takes any of the
 * events takes the last one too.
 */
function advance<TView>(
  stored: Positioned<TView> | null,
  events: readonly RecordedExpedienteEvent[],
  evolve: Evolve<TView>,
): TView | undefined {
  let view: TView | null = stored?.view ?? null;
  let advanced = false;
  for (const recorded of events) {
    if (stored && stored.position >= recorded.position) continue;
    view = evolve(view, recorded);
    advanced ||= view !== null;
  }
  return advanced ? (view ?? undefined) : undefined;
}

/** Consecutive events grouped by expediente, each group in the order given. */
function byExpediente(
  events: readonly RecordedExpedienteEvent[],
): Map<string, RecordedExpedienteEvent[]> {
  const groups = new Map<string, RecordedExpedienteEvent[]>();
  for (const recorded of events) {
    const group = groups.get(recorded.expedienteId);
    if (group) group.push(recorded);
    else groups.set(recorded.expedienteId, [recorded]);
  }
  return groups;
}

/** Folds the events of expedientes into their list and detail views. */
export class ExpedienteProjector {
  constructor(private readonly readModels: ViewsStore) {}

  /**
   * Folds a batch (those the store has in hand, one on a retry; a rebuild's, 2,000 at a
   * time): each expediente's views are loaded once, all at the same time, take all its
   * events, and every view changed is written in one go. One whose events start with its
   * first is not looked up: views are stored only from its events, so what a store may hold
   * is from a delivery of these again, and the write of a view folded from an earlier
   * position never goes over a later one.
   */
  async projectAll(events: readonly RecordedExpedienteEvent[]): Promise<void> {
    const groups = [...byExpediente(events)];
    const loaded = await Promise.all(
      groups.map(([id, own]) =>
        own[0].streamVersion === 0 ? NO_VIEWS_STORED : this.readModels.load(id),
      ),
    );
    const writes: ViewsWrite[] = [];
    for (const [index, [expedienteId, own]] of groups.entries()) {
      const stored = loaded[index];
      const views: ViewsToWrite = {
        listItem: advance<ExpedienteListItem>(stored.listItem, own, evolveListItem),
        detail: advance<ExpedienteDetail>(stored.detail, own, evolveDetail),
      };
      if (views.listItem || views.detail) {
        const position = own[own.length - 1].position;
        const noneStored = !stored.listItem && !stored.detail;
        writes.push({ expedienteId, views, position, noneStored });
      }
    }
    if (writes.length > 0) await this.readModels.write(writes);
  }
}
