import { randomBytes } from 'node:crypto';
import { connectMongo, ensureIndexes } from '@expedientes/shared-kernel/adapters/mongodb';
import { describeWithServerAs } from '@expedientes/shared-kernel/testing';
import { Db, Long } from 'mongodb';
import { ExpedienteDetail } from '../../src/application/projections/expediente-detail';
import { listItemWithCurrentFields } from '../../src/application/projections/expediente-list';
import { ViewsWrite } from '../../src/application/projections/read-models';
import {
  MongoExpedienteReadModels,
  readModelIndexes,
} from '../../src/infrastructure/read-models/mongo-expediente-read-models';
import { KnownViews } from '../../src/infrastructure/read-models/known-views';

/** A detail view that only its code tells apart; the store keeps views whole. */
const detailCoded = (codigo: string) => ({ codigo }) as unknown as ExpedienteDetail;

const detailWrite = (
  expedienteId: string,
  codigo: string,
  position: bigint,
  noneStored?: true,
): ViewsWrite => ({
  expedienteId,
  views: { detail: detailCoded(codigo) },
  position,
  ...(noneStored ? { noneStored } : {}),
});

/** Both views of an expediente, the list's telling its version in the description. */
const viewsWrite = (
  expedienteId: string,
  version: string,
  position: bigint,
  noneStored?: true,
): ViewsWrite => {
  const write = detailWrite(expedienteId, version, position, noneStored);
  const listItem = listItemWithCurrentFields({
    id: expedienteId,
    codigo: expedienteId,
    opcionInicial: 'SEDE_ELECTRONICA',
    descripcion: version,
    estado: 'abierto',
    fase: null,
    creadoAt: '2026-12-07T00:00:00.000Z',
    creadoPor: 'tramitador',
    actualizadoAt: '2026-12-07T00:00:00.000Z',
    version: 1,
  });
  return { ...write, views: { ...write.views, listItem } };
};

describeWithServerAs('mongodb', 'expedientes', 'MongoExpedienteReadModels', (mongodb) => {
  let close: () => Promise<void>;
  let db: Db;
  let readModels: MongoExpedienteReadModels;
  /** Another process's read models on the same database. */
  let replica: MongoExpedienteReadModels;

  beforeAll(async () => {
    const url = new URL(mongodb());
    url.pathname = `/expedientes_test_${randomBytes(4).toString('hex')}`;
    const connection = await connectMongo(url.toString(), { appName: 'test', maxAttempts: 1 });
    db = connection.db();
    await ensureIndexes(db, readModelIndexes);
    readModels = new MongoExpedienteReadModels(db);
    replica = new MongoExpedienteReadModels(db);
    close = async () => {
      await db.dropDatabase();
      await connection.close();
    };
  });
  afterAll(() => close?.());

  const codigoOf = async (expedienteId: string) =>
    ((await readModels.detail(expedienteId)) as { codigo?: string } | null)?.codigo;

  it('inserts views of which none was stored, and keeps a newer one stored meanwhile', async () => {
    await readModels.write([
      detailWrite('e1', 'first', 5n, true),
      detailWrite('e2', 'e2', 1n, true),
    ]);
    expect(await codigoOf('e1')).toBe('first');
    // Two writers that both found nothing stored: the later view stays, whichever comes last.
    await readModels.write([detailWrite('e1', 'older', 3n, true)]);
    expect(await codigoOf('e1')).toBe('first');
    await readModels.write([
      detailWrite('e1', 'newer', 7n, true),
      detailWrite('e3', 'e3', 2n, true),
    ]);
    expect(await codigoOf('e1')).toBe('newer');
    expect(await codigoOf('e3')).toBe('e3');
  });

  it('behind KnownViews, loads the views it wrote lately without reading them back, until cleared', async () => {
    const keeping = new KnownViews(readModels);
    // As the projection does: what is stored first, then the views folded from it.
    expect(await keeping.load('known')).toEqual({ listItem: null, detail: null });
    await keeping.write([detailWrite('known', 'mine', 5n, true)]);
    // Another replica, ahead of this one, stores a newer view: this one folds on from its own.
    await replica.write([detailWrite('known', 'theirs', 9n)]);

    const known = await keeping.load('known');
    expect(known.detail).toEqual({ view: detailCoded('mine'), position: 5n });
    expect(known.listItem).toBeNull();
    expect(await codigoOf('known')).toBe('theirs');
    expect((await readModels.load('known')).detail?.position).toBe(9n);

    await keeping.clear();
    expect(await keeping.load('known')).toEqual({ listItem: null, detail: null });
  });

  it('clears every view, and the list keeps the indexes it is queried by', async () => {
    await readModels.write([detailWrite('cleared', 'c', 4n, true)]);
    await readModels.clear();
    expect(await db.collection('expediente_detail').countDocuments()).toBe(0);
    expect(await readModels.detail('cleared')).toBeNull();
    const indexes = (await db.collection('expediente_list').indexes()).map((index) => index.name);
    expect(indexes).toEqual(
      expect.arrayContaining(readModelIndexes.expediente_list.map((index) => index.name)),
    );
  });

  it('replaces stored views a hundred at a time, older ones only', async () => {
    const ids = Array.from({ length: 100 }, (_, index) => `bulk-${index}`);
    const codigos = () => Promise.all(ids.map(codigoOf));
    await readModels.write(ids.map((id) => detailWrite(id, 'v1', 10n, true)));
    // FerretDB stopped answering anyone at one bulk write of this many replacements.
    await readModels.write(ids.map((id) => detailWrite(id, 'v2', 20n)));
    expect(await codigos()).toEqual(ids.map(() => 'v2'));
    // Half of them older than what is stored: FerretDB dropped the whole bulk at the first.
    await readModels.write(ids.map((id, index) => detailWrite(id, 'v3', index % 2 ? 30n : 15n)));
    expect(await codigos()).toEqual(ids.map((_, index) => (index % 2 ? 'v3' : 'v2')));
  });

  it("replaces a hundred stored expedientes' list and detail views at once", async () => {
    const ids = Array.from({ length: 100 }, (_, index) => `both-${index}`);
    await readModels.write(ids.map((id) => viewsWrite(id, 'v1', 10n, true)));
    // FerretDB v1 holds a PostgreSQL connection, of 50, for each update of a bulk until the
    // bulk ends: with the list's and the detail's bulks of 32 at once, it answered nobody.
    await readModels.write(ids.map((id) => viewsWrite(id, 'v2', 20n)));
    expect(await Promise.all(ids.map(codigoOf))).toEqual(ids.map(() => 'v2'));
    const listed = await db
      .collection('expediente_list')
      .countDocuments({ descripcion: 'v2' }, { maxTimeMS: 10_000 });
    expect(listed).toBe(ids.length);
  });

  it('inserts a rebuild of many views in bulks, keeping those stored newer meanwhile', async () => {
    const ids = Array.from({ length: 600 }, (_, index) => `rebuilt-${index}`);
    // Another replica's live projection stored a few, some of them in the last bulk.
    const newer = new Set([3, 260, 599].map((index) => ids[index]));
    await replica.write([...newer].map((id) => detailWrite(id, 'live', 50n, true)));
    await readModels.write(ids.map((id) => detailWrite(id, 'rebuilt', 40n, true)));
    expect(await Promise.all(ids.map(codigoOf))).toEqual(
      ids.map((id) => (newer.has(id) ? 'live' : 'rebuilt')),
    );
  });

  it('keeps a detail as JSON text, and reads one stored as a document before', async () => {
    await readModels.write([detailWrite('as-text', 'text', 2n, true)]);
    const stored = await db.collection('expediente_detail').findOne({ _id: 'as-text' as never });
    expect(JSON.parse(stored?.view as string)).toEqual(detailCoded('text'));

    await db.collection('expediente_detail').insertOne({
      _id: 'as-document' as never,
      position: Long.fromNumber(3),
      view: detailCoded('old'),
    });
    expect(await codigoOf('as-document')).toBe('old');
    expect((await replica.load('as-document')).detail).toEqual({
      view: detailCoded('old'),
      position: 3n,
    });
  });
});
