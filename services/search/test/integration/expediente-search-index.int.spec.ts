import {
  describeWithServerAs,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { MysqlExpedienteSearchIndex } from '../../src/infrastructure/sql/mysql-expediente-search-index';
import { SqliteExpedienteSearchIndex } from '../../src/infrastructure/sql/sqlite-expediente-search-index';
import { randomUUID } from 'node:crypto';
import { IndexedExpediente } from '../../src/domain/indexed-expediente';
import { searchTerms } from '../../src/domain/search';
import { expedienteSearchIndexContract } from './expediente-search-index.contract';

describe('SqliteExpedienteSearchIndex (FTS5)', () => {
  expedienteSearchIndexContract(async () => {
    const database = temporarySqlite();
    const index = new SqliteExpedienteSearchIndex(database.db);
    await index.migrate();
    return { index, dispose: database.dispose };
  });

  it('leaves the words as they were indexed when only the phase changes', async () => {
    const database = temporarySqlite();
    const index = new SqliteExpedienteSearchIndex(database.db);
    await index.migrate();
    const put = (view: IndexedExpediente) =>
      index.update([
        {
          generation: 1,
          messageId: randomUUID(),
          expedienteId: view.expedienteId,
          change: () => view,
        },
      ]);
    // FTS5 writes a segment of the text index for each transaction that changes it.
    const segments = async () =>
      (
        await database.db.query<{ n: number }>(
          'SELECT count(*) AS n FROM search_expedientes_text_data',
        )
      )[0].n;
    const search = (text: string, fase?: string) =>
      index.search({ terms: searchTerms(text), filters: { fase }, page: 1, pageSize: 20 });
    const datos = {
      codigo: 'EXP-2024-000101',
      descripcion: 'Análisis del agua del pozo municipal',
      opcionInicial: 'SEDE_ELECTRONICA',
      fase: { codigo: 'INICIAL', nombre: 'Fase inicial' },
      estado: 'abierto',
      creadoPor: 'ana',
      creadoAt: '2024-02-01T09:30:00.000Z',
    } as const;
    const view: IndexedExpediente = {
      expedienteId: randomUUID(),
      datos,
      documentos: [],
      actualizadoAt: '2024-02-01T09:30:00.000Z',
    };
    try {
      await put(view);
      const indexed = await segments();

      const moved = { ...datos, fase: { codigo: 'VALIDACION', nombre: 'Fase de validación' } };
      await put({ ...view, datos: moved });
      expect(await segments()).toBe(indexed);
      expect((await search('pozo', 'VALIDACION')).total).toBe(1);

      await put({ ...view, datos: { ...moved, descripcion: 'Vertido al río' } });
      expect(await segments()).toBeGreaterThan(indexed);
      expect((await search('pozo')).total).toBe(0);
      expect((await search('vertido', 'VALIDACION')).total).toBe(1);
    } finally {
      await database.dispose();
    }
  });
});

describeWithServerAs('mysql', 'search', 'MysqlExpedienteSearchIndex (FULLTEXT)', (url) => {
  expedienteSearchIndexContract(async () => {
    const database = await temporaryMysql(url());
    const index = new MysqlExpedienteSearchIndex(database.db);
    await index.migrate();
    return { index, dispose: database.dispose };
  });

  it('loses no change when two replicas update one expediente at the same time', async () => {
    const database = await temporaryMysql(url());
    const replicas = [database.db, database.reopen()].map(
      (db) => new MysqlExpedienteSearchIndex(db),
    );
    await replicas[0].migrate();
    const expedienteId = randomUUID();
    // Each message adds one document, as a document's events do, on either replica.
    const addDocument = (index: MysqlExpedienteSearchIndex, nombre: string) =>
      index.update([
        {
          generation: 1,
          messageId: randomUUID(),
          expedienteId,
          change: (view) => ({
            expedienteId,
            datos: view?.datos ?? null,
            documentos: [...(view?.documentos ?? []), { documentId: nombre, nombre, version: 1 }],
            actualizadoAt: '2024-02-01T09:30:00.000Z',
          }),
        },
      ]);
    try {
      await addDocument(replicas[0], 'first');
      const nombres = Array.from({ length: 20 }, (_, index) => `doc-${index}`);
      await Promise.all(nombres.map((nombre, index) => addDocument(replicas[index % 2], nombre)));
      const indexed = await replicas[1].find(expedienteId);
      expect(indexed?.documentos.map((documento) => documento.nombre).sort()).toEqual(
        ['first', ...nombres].sort(),
      );
    } finally {
      await database.dispose();
    }
  });
});
