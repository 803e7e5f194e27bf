import { ExpedienteDetail } from '../../src/application/projections/expediente-detail';
import { ExpedienteListItem } from '../../src/application/projections/expediente-list';
import {
  ExpedienteReadModels,
  ListCriteria,
  Page,
  Positioned,
  StoredViews,
  ViewsWrite,
} from '../../src/application/projections/read-models';

/** Read models in Maps, for the projector's unit tests; `list` records what it was asked. */
export class InMemoryReadModels implements ExpedienteReadModels {
  readonly listItems = new Map<string, Positioned<ExpedienteListItem>>();
  readonly details = new Map<string, Positioned<ExpedienteDetail>>();
  readonly writes: Array<Pick<ViewsWrite, 'expedienteId' | 'position' | 'noneStored'>> = [];
  readonly loads: string[] = [];
  readonly criteria: ListCriteria[] = [];

  async load(expedienteId: string): Promise<StoredViews> {
    this.loads.push(expedienteId);
    return {
      listItem: this.listItems.get(expedienteId) ?? null,
      detail: this.details.get(expedienteId) ?? null,
    };
  }

  async write(writes: readonly ViewsWrite[]): Promise<void> {
    for (const { expedienteId, views, position, noneStored } of writes) {
      this.writes.push({ expedienteId, position, noneStored });
      const over = <T>(map: Map<string, Positioned<T>>, view: T | undefined) => {
        const stored = map.get(expedienteId);
        if (view && (!stored || stored.position < position))
          map.set(expedienteId, { view, position });
      };
      over(this.listItems, views.listItem);
      over(this.details, views.detail);
    }
  }

  async durable(): Promise<void> {}

  async clear(): Promise<void> {
    this.listItems.clear();
    this.details.clear();
  }

  async list(criteria: ListCriteria): Promise<Page<ExpedienteListItem>> {
    this.criteria.push(criteria);
    const items = [...this.listItems.values()].map((each) => each.view);
    return { items, total: items.length, page: criteria.page, pageSize: criteria.pageSize };
  }

  async detail(expedienteId: string): Promise<ExpedienteDetail | null> {
    return this.details.get(expedienteId)?.view ?? null;
  }
}
