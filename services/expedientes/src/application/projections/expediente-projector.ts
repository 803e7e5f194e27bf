import { RecordedExpedienteEvent } from '../expediente-stream';
import { evolveDetail, ExpedienteDetail } from './expediente-detail';
import { evolveListItem, ExpedienteListItem } from './expediente-list';
import { ExpedienteReadModels, Positioned, ViewsToWrite, ViewsWrite } from './read-models';

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
  constructor(private readonly readModels: ExpedienteReadModels) {}

  async project(recorded: RecordedExpedienteEvent): Promise<void> {
    await this.projectAll([recorded]);
  }

  /**
   * Folds a batch (a rebuild reads them 500 at a time): each expediente's views are loaded
   * once, take all its events, and every view changed is written in one go.
   */
  async projectAll(events: readonly RecordedExpedienteEvent[]): Promise<void> {
    const writes: ViewsWrite[] = [];
    for (const [expedienteId, own] of byExpediente(events)) {
      const stored = await this.readModels.load(expedienteId);
      const views: ViewsToWrite = {
        listItem: advance<ExpedienteListItem>(stored.listItem, own, evolveListItem),
        detail: advance<ExpedienteDetail>(stored.detail, own, evolveDetail),
      };
      if (views.listItem || views.detail) {
        writes.push({ expedienteId, views, position: own[own.length - 1].position });
      }
    }
    if (writes.length > 0) await this.readModels.write(writes);
  }
}
