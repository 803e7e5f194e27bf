import { temporarySqlite } from '@expedientes/shared-kernel/testing';
import { GetExpediente } from '../../src/application/get-expediente/get-expediente';
import { ListExpedientes } from '../../src/application/list-expedientes/list-expedientes';
import {
  readModelMigrations,
  SqliteExpedienteReadModels,
} from '../../src/infrastructure/read-models/sqlite-expediente-read-models';

/** What the read models of a release before comments, assignment and plazos left in the file. */
const listView = {
  id: 'exp-viejo',
  codigo: 'VIEJO-1',
  opcionInicial: 'SEDE_ELECTRONICA',
  descripcion: 'De antes',
  estado: 'abierto',
  fase: { codigo: 'INICIAL', nombre: 'Fase inicial' },
  creadoAt: '2026-01-01T10:00:00.000Z',
  creadoPor: 'ana',
  actualizadoAt: '2026-01-01T10:00:00.000Z',
  version: 1,
};
const detailView = {
  ...listView,
  opcionInicialNombre: 'Sede electrónica',
  rechazo: null,
  actualizadoPor: 'ana',
  fase: { codigo: 'INICIAL', nombre: 'Fase inicial', final: false },
  historialDeFases: [],
  documentos: [],
};

describe('SQLite read models written by an earlier release', () => {
  it('read as assigned to nobody, without comments and without plazo once migrated', async () => {
    const temp = temporarySqlite();
    try {
      await temp.db.migrate('expediente-read-models', readModelMigrations.slice(0, 2));
      await temp.db.execute(
        `INSERT INTO expediente_list (id, codigo, estado, fase_codigo, fase_nombre, opcion_inicial,
           creado_at, search_text, position, view) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          'exp-viejo',
          'VIEJO-1',
          'abierto',
          'INICIAL',
          'Fase inicial',
          'SEDE_ELECTRONICA',
          listView.creadoAt,
          'viejo-1 de antes',
          7,
          JSON.stringify(listView),
        ],
      );
      await temp.db.execute('INSERT INTO expediente_detail (id, position, view) VALUES (?, ?, ?)', [
        'exp-viejo',
        7,
        JSON.stringify(detailView),
      ]);
      const readModels = new SqliteExpedienteReadModels(temp.db);
      await readModels.migrate();
      const list = new ListExpedientes(readModels);
      expect((await list.execute({})).items).toEqual([
        { ...listView, asignadoA: null, mencionados: [], vencimiento: null },
      ]);
      expect((await list.execute({ sort: 'vencimiento' })).total).toBe(1);
      expect((await list.execute({ mencionado: 'ana' })).total).toBe(0);
      expect((await list.execute({ sinAsignar: true })).total).toBe(1);
      expect((await list.execute({ asignadoA: 'ana' })).total).toBe(0);
      const noEvents = { readStream: async () => [] };
      const detail = await new GetExpediente(readModels, noEvents).execute('exp-viejo');
      expect(detail).toMatchObject({
        comentarios: [],
        asignadoA: null,
        vencimiento: null,
        codigo: 'VIEJO-1',
      });
    } finally {
      await temp.dispose();
    }
  });
});
