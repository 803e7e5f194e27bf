import { ExpedienteDetail } from '../../src/application/projections/expediente-detail';
import { ExpedienteListItem } from '../../src/application/projections/expediente-list';
import {
  ExpedienteReadModels,
  Page,
  StoredViews,
  ViewsWrite,
} from '../../src/application/projections/read-models';
import { KnownViews } from '../../src/infrastructure/read-models/known-views';

/** Views told apart by their code alone; the stores keep them whole. */
const detailCoded = (codigo: string) => ({ codigo }) as unknown as ExpedienteDetail;
const itemCoded = (codigo: string) => ({ codigo }) as unknown as ExpedienteListItem;

/** Read models in memory that count their loads; writes go over older views only. */
class CountingReadModels implements ExpedienteReadModels {
  readonly views = new Map<string, StoredViews>();
  loads = 0;
  failNextWrite = false;

  async load(expedienteId: string): Promise<StoredViews> {
    this.loads++;
    return this.views.get(expedienteId) ?? { listItem: null, detail: null };
  }

  async write(writes: readonly ViewsWrite[]): Promise<void> {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('the store is away');
    }
    for (const { expedienteId, views, position } of writes) {
      const stored = this.views.get(expedienteId) ?? { listItem: null, detail: null };
      const newer = <T>(kept: StoredViews['detail'] | StoredViews['listItem'], view?: T) =>
        view && (!kept || kept.position < position) ? { view, position } : kept;
      this.views.set(expedienteId, {
        listItem: newer(stored.listItem, views.listItem) as StoredViews['listItem'],
        detail: newer(stored.detail, views.detail) as StoredViews['detail'],
      });
    }
  }

  async durable(): Promise<void> {}

  async clear(): Promise<void> {
    this.views.clear();
  }

  async list(): Promise<Page<ExpedienteListItem>> {
    return { items: [], total: 0, page: 1, pageSize: 20 };
  }

  async detail(expedienteId: string): Promise<ExpedienteDetail | null> {
    return this.views.get(expedienteId)?.detail?.view ?? null;
  }
}

describe('KnownViews', () => {
  let stored: CountingReadModels;
  let readModels: KnownViews;

  beforeEach(() => {
    stored = new CountingReadModels();
    readModels = new KnownViews(stored);
  });

  it('loads a view it wrote or loaded without reading it again', async () => {
    await readModels.load('e1');
    await readModels.write([
      { expedienteId: 'e1', views: { detail: detailCoded('a') }, position: 5n },
    ]);
    expect(await readModels.load('e1')).toEqual({
      listItem: null,
      detail: { view: detailCoded('a'), position: 5n },
    });
    expect(stored.loads).toBe(1);
  });

  it('keeps a view not written as it was loaded, and one never loaded only when both were written', async () => {
    stored.views.set('e2', { listItem: { view: itemCoded('old'), position: 2n }, detail: null });
    await readModels.load('e2');
    await readModels.write([
      { expedienteId: 'e2', views: { detail: detailCoded('d') }, position: 3n },
    ]);
    expect(await readModels.load('e2')).toEqual({
      listItem: { view: itemCoded('old'), position: 2n },
      detail: { view: detailCoded('d'), position: 3n },
    });
    // Never loaded and only the detail written: what the list holds is unknown, so it is read.
    await readModels.write([
      { expedienteId: 'e3', views: { detail: detailCoded('x') }, position: 4n },
    ]);
    await readModels.load('e3');
    // Never loaded, none stored and both written: nothing else can be stored, so it is kept.
    const both = { listItem: itemCoded('n'), detail: detailCoded('n') };
    await readModels.write([{ expedienteId: 'e4', views: both, position: 1n, noneStored: true }]);
    expect(await readModels.load('e4')).toEqual({
      listItem: { view: itemCoded('n'), position: 1n },
      detail: { view: detailCoded('n'), position: 1n },
    });
    expect(stored.loads).toBe(2);
  });

  it('keeps nothing of a write that failed, and forgets everything when cleared', async () => {
    await readModels.load('e5');
    stored.failNextWrite = true;
    await expect(
      readModels.write([
        { expedienteId: 'e5', views: { detail: detailCoded('lost') }, position: 9n },
      ]),
    ).rejects.toThrow('the store is away');
    expect((await readModels.load('e5')).detail).toBeNull();

    await readModels.write([
      { expedienteId: 'e5', views: { detail: detailCoded('kept') }, position: 9n },
    ]);
    await readModels.clear();
    expect(await readModels.load('e5')).toEqual({ listItem: null, detail: null });
    expect(stored.loads).toBe(2);
  });
});
