import { BoundedMap } from '@expedientes/shared-kernel/adapters/shared';
import { ExpedienteDetail } from '../../application/projections/expediente-detail';
import { ExpedienteListItem } from '../../application/projections/expediente-list';
import {
  ExpedienteReadModels,
  ListCriteria,
  Page,
  StoredViews,
  ViewsWrite,
} from '../../application/projections/read-models';

/** Expedientes whose views a process keeps: the ones in work lately. */
const KNOWN_EXPEDIENTES = 1_000;

/**
 * Read models that keep the views of the expedientes this process folded lately, as it read
 * or wrote them last. Its projection folds every event in order, so what it wrote is the fold
 * of every event it has seen: loading it again would cost a query per view, and a parse, for
 * a view it holds already (one stored meanwhile by another replica is as new or newer, and a
 * write never goes below it). A view is kept once its write has returned, committed.
 */
export class KnownViews implements ExpedienteReadModels {
  private readonly known = new BoundedMap<string, StoredViews>(KNOWN_EXPEDIENTES);

  constructor(private readonly stored: ExpedienteReadModels) {}

  async load(expedienteId: string): Promise<StoredViews> {
    const known = this.known.get(expedienteId);
    if (known) return known;
    const loaded = await this.stored.load(expedienteId);
    this.known.set(expedienteId, loaded);
    return loaded;
  }

  async write(writes: readonly ViewsWrite[]): Promise<void> {
    await this.stored.write(writes);
    for (const { expedienteId, views, position, noneStored } of writes) {
      const before = this.known.get(expedienteId);
      // Either view not written is kept as loaded; without a load, both must have been written.
      if (!before && !(noneStored && views.listItem && views.detail)) continue;
      // Deleted first, so that it counts as the latest used.
      this.known.delete(expedienteId);
      this.known.set(expedienteId, {
        listItem: views.listItem ? { view: views.listItem, position } : (before?.listItem ?? null),
        detail: views.detail ? { view: views.detail, position } : (before?.detail ?? null),
      });
    }
  }

  durable(): Promise<void> {
    return this.stored.durable();
  }

  async clear(): Promise<void> {
    this.known.clear();
    await this.stored.clear();
  }

  list(criteria: ListCriteria): Promise<Page<ExpedienteListItem>> {
    return this.stored.list(criteria);
  }

  detail(expedienteId: string): Promise<ExpedienteDetail | null> {
    return this.stored.detail(expedienteId);
  }
}
