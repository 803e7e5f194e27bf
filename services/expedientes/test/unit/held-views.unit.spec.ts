import { ExpedienteDetail } from '../../src/application/projections/expediente-detail';
import { ExpedienteListItem } from '../../src/application/projections/expediente-list';
import { ViewsWrite } from '../../src/application/projections/read-models';
import { HeldViews } from '../../src/application/rebuild-read-models/held-views';
import { InMemoryReadModels } from '../support/in-memory-read-models';

/** Views of an expediente, told apart by their description. */
const viewsOf = (expedienteId: string, descripcion: string, position: bigint): ViewsWrite => ({
  expedienteId,
  views: {
    listItem: { id: expedienteId, descripcion } as ExpedienteListItem,
    detail: { id: expedienteId, descripcion } as ExpedienteDetail,
  },
  position,
  noneStored: true,
});

describe('the views a rebuild holds', () => {
  it('reach the store once each, at the end, as new', async () => {
    const store = new InMemoryReadModels();
    const held = new HeldViews(store, 10);
    await held.write([viewsOf('a', 'a1', 1n), viewsOf('b', 'b1', 2n)]);
    expect(await held.load('a')).toEqual({
      listItem: { view: { id: 'a', descripcion: 'a1' }, position: 1n },
      detail: { view: { id: 'a', descripcion: 'a1' }, position: 1n },
    });
    // The projector leaves out a view the events did not make: the one held stays.
    await held.write([
      { expedienteId: 'a', views: { detail: viewsOf('a', 'a2', 3n).views.detail }, position: 3n },
    ]);
    expect(await held.load('c')).toEqual({ listItem: null, detail: null });
    expect(store.writes).toEqual([]);

    await held.flush();
    expect(store.writes).toEqual([
      { expedienteId: 'b', position: 2n, noneStored: true },
      { expedienteId: 'a', position: 3n, noneStored: true },
    ]);
    expect(store.listItems.get('a')).toEqual({
      view: { id: 'a', descripcion: 'a1' },
      position: 3n,
    });
    expect(store.details.get('a')).toEqual({ view: { id: 'a', descripcion: 'a2' }, position: 3n });
    expect(store.loads).toEqual([]);
  });

  it('past capacity, lets go of those folded least lately and looks them up again', async () => {
    const store = new InMemoryReadModels();
    const held = new HeldViews(store, 2);
    await held.write([viewsOf('a', 'a1', 1n), viewsOf('b', 'b1', 2n)]);
    await held.write([viewsOf('c', 'c1', 3n)]);
    expect(store.writes).toEqual([{ expedienteId: 'a', position: 1n, noneStored: true }]);

    expect((await held.load('a')).detail).toEqual({
      view: { id: 'a', descripcion: 'a1' },
      position: 1n,
    });
    expect(store.loads).toEqual(['a']);
    await held.write([viewsOf('a', 'a2', 4n)]);
    await held.flush();
    expect(store.writes.slice(1)).toEqual([
      { expedienteId: 'b', position: 2n, noneStored: true },
      { expedienteId: 'c', position: 3n, noneStored: true },
      // Stored already: the store replaces it.
      { expedienteId: 'a', position: 4n, noneStored: false },
    ]);
    expect(store.details.get('a')).toEqual({ view: { id: 'a', descripcion: 'a2' }, position: 4n });
  });
});
