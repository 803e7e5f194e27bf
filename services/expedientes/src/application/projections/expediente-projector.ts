import { RecordedExpedienteEvent } from '../expediente-stream';
import { evolveDetail, ExpedienteDetail } from './expediente-detail';
import { evolveListItem, ExpedienteListItem } from './expediente-list';
import { ExpedienteReadModels, Positioned, ViewsToWrite } from './read-models';

type Evolve<TView> = (view: TView | null, recorded: RecordedExpedienteEvent) => TView | null;

/** The view after `recorded`; undefined when it has folded that event in already (or has none). */
function advance<TView>(
  stored: Positioned<TView> | null,
  recorded: RecordedExpedienteEvent,
  evolve: Evolve<TView>,
): TView | undefined {
  if (stored && stored.position >= recorded.position) return undefined;
  return evolve(stored?.view ?? null, recorded) ?? undefined;
}

/** Folds each event of an expediente into its list and detail views. */
export class ExpedienteProjector {
  constructor(private readonly readModels: ExpedienteReadModels) {}

  async project(recorded: RecordedExpedienteEvent): Promise<void> {
    const stored = await this.readModels.load(recorded.expedienteId);
    const views: ViewsToWrite = {
      listItem: advance<ExpedienteListItem>(stored.listItem, recorded, evolveListItem),
      detail: advance<ExpedienteDetail>(stored.detail, recorded, evolveDetail),
    };
    if (!views.listItem && !views.detail) return;
    await this.readModels.write(recorded.expedienteId, views, recorded.position);
  }
}
