import { sinFestivos } from '../support/plazos';
import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { CatalogoDeProcedimientos } from '../../src/domain/catalogo-de-procedimientos';
import { Proceso } from '../../src/domain/proceso';
import { bpmMigrations } from '../../src/infrastructure/sql/bpm-migrations';
import { SqlPlazosAbiertos } from '../../src/infrastructure/sql/sql-plazos-abiertos';
import { SqlProcesoRepository } from '../../src/infrastructure/sql/sql-proceso-repository';
import { ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

const at = (minute: number): Date => new Date(Date.UTC(2025, 2, 1, 9, minute));
const catalogo = new CatalogoDeProcedimientos([
  ProcedimientoMother.estandar(),
  ProcedimientoMother.estandarV2(),
  ProcedimientoMother.estandarConPlazos(),
]);

function repositoryContract(open: () => Promise<TemporaryDatabase<SqlDatabase>>): void {
  let database: TemporaryDatabase<SqlDatabase>;
  let procesos: SqlProcesoRepository;

  beforeAll(async () => {
    database = await open();
    await database.db.migrate('bpm', bpmMigrations);
    procesos = new SqlProcesoRepository(database.db, catalogo);
  });
  afterAll(() => database?.dispose());

  const iniciado = (expedienteId: string, version = 1): Proceso =>
    Proceso.iniciar({
      expedienteId,
      sagaId: `saga-${expedienteId}`,
      procedimiento: catalogo.version('estandar', version),
      por: usuarios.tramitadora.userId,
      at: at(0),
      plazos: sinFestivos,
    });

  const load = async (expedienteId: string): Promise<Proceso> => {
    const proceso = await procesos.findByExpediente(expedienteId);
    if (!proceso) throw new Error(`no process for ${expedienteId}`);
    return proceso;
  };

  it('reads back a process as it was saved, through every change', async () => {
    await procesos.save(iniciado('exp-roundtrip', 1));
    const proceso = await load('exp-roundtrip');
    proceso.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1), sinFestivos);
    proceso.cambiarDeFase('RECHAZADO', usuarios.tramitadora, at(2), sinFestivos);
    await procesos.save(proceso);
    const cancelado = await load('exp-roundtrip');
    cancelado.cancelar('system', at(3));
    await procesos.save(cancelado);

    const read = await load('exp-roundtrip');
    expect(read.datos()).toEqual({ ...cancelado.datos(), revision: 3 });
    expect(read.historial).toHaveLength(3);
    expect(read.iniciadoPor('saga-exp-roundtrip')).toBe(true);
  });

  it('writes, of a process read back, only the stay it was in and those after it', async () => {
    const expected = iniciado('exp-stays');
    await procesos.save(expected);
    const fases = ['ANALISIS_TECNICO', 'VALIDACION', 'RECHAZADO'];
    let historyWrites = 0;
    for (const [index, fase] of fases.entries()) {
      const proceso = await load('exp-stays');
      proceso.cambiarDeFase(fase, usuarios.admin, at(index + 1), sinFestivos);
      expected.cambiarDeFase(fase, usuarios.admin, at(index + 1), sinFestivos);
      const execute = database.db.execute.bind(database.db);
      const counting = jest.spyOn(database.db, 'execute').mockImplementation((sql, ...rest) => {
        if (sql.includes('bpm_historial')) historyWrites += 1;
        return execute(sql, ...rest);
      });
      try {
        await procesos.save(proceso);
      } finally {
        counting.mockRestore();
      }
    }

    // Each save: the stay it left and the one it entered, however long the history.
    expect(historyWrites).toBe(2 * fases.length);
    expect((await load('exp-stays')).historial).toEqual(expected.historial);
  });

  it('keeps the procedure version a process started with', async () => {
    await procesos.save(iniciado('exp-version-2', 2));
    expect((await load('exp-version-2')).procedimiento.version).toBe(2);
  });

  it('keeps each stay’s plazo, and finds the open ones and those past their last day', async () => {
    const plazos = new SqlPlazosAbiertos(database.db);
    // Saturday 1 March 2025: 10 días hábiles of the initial phase end on Friday the 14th.
    const abierto = iniciado('exp-plazo-1', 3);
    await procesos.save(abierto);
    expect((await load('exp-plazo-1')).vencimiento).toBe('2025-03-14');
    const otro = iniciado('exp-plazo-2', 3);
    otro.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1), sinFestivos);
    await procesos.save(otro);
    const cerrado = iniciado('exp-plazo-3', 3);
    cerrado.cancelar('system', at(1));
    await procesos.save(cerrado);

    expect(await plazos.conPlazo('exp-plazo-0', 10)).toEqual(['exp-plazo-1', 'exp-plazo-2']);
    expect(await plazos.conPlazo('exp-plazo-1', 10)).toEqual(['exp-plazo-2']);
    const vencidos = await plazos.vencidosPorFase('2025-03-15');
    expect(vencidos.get('INICIAL')).toBe(1);
    expect(vencidos.get('ANALISIS_TECNICO')).toBeUndefined();
    expect((await plazos.vencidosPorFase('2025-04-15')).get('ANALISIS_TECNICO')).toBe(1);

    expect(await plazos.huella()).toBeNull();
    await plazos.guardarHuella('a'.repeat(64));
    await plazos.guardarHuella('b'.repeat(64));
    expect(await plazos.huella()).toBe('b'.repeat(64));
  });

  it('finds nothing for an expediente without a process', async () => {
    await expect(procesos.findByExpediente('exp-none')).resolves.toBeNull();
  });

  it('refuses to save over a change saved since the process was read', async () => {
    await procesos.save(iniciado('exp-race'));
    const [first, second] = [await load('exp-race'), await load('exp-race')];
    first.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1), sinFestivos);
    second.cambiarDeFase('ANALISIS_TECNICO', usuarios.admin, at(2), sinFestivos);
    await procesos.save(first);

    await expect(procesos.save(second)).rejects.toMatchObject({ code: 'BPM.CONCURRENT_UPDATE' });
    expect((await load('exp-race')).historial.map((paso) => paso.entradaPor)).toEqual([
      usuarios.tramitadora.userId,
      usuarios.tramitadora.userId,
    ]);
  });

  it('refuses a second new process for the same expediente', async () => {
    await procesos.save(iniciado('exp-twice'));
    // The driver's own duplicate-key error (not an Error of jest's realm once cached by a worker).
    await expect(procesos.save(iniciado('exp-twice'))).rejects.toMatchObject({
      message: expect.stringMatching(/UNIQUE constraint failed|Duplicate entry/),
    });
  });
}

describe('SqlProcesoRepository on SQLite', () => {
  repositoryContract(async () => temporarySqlite());

  it('keeps the processes and their stays through the move of the stays into their key', async () => {
    const database = temporarySqlite();
    try {
      await database.db.migrate('bpm', bpmMigrations.slice(0, 2));
      const before = new SqlProcesoRepository(database.db, catalogo);
      const proceso = Proceso.iniciar({
        expedienteId: 'exp-moved',
        sagaId: 'saga-exp-moved',
        procedimiento: catalogo.version('estandar', 3),
        por: usuarios.tramitadora.userId,
        at: at(0),
        plazos: sinFestivos,
      });
      proceso.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1), sinFestivos);
      await before.save(proceso);
      const saved = await before.findByExpediente('exp-moved');

      await database.db.migrate('bpm', bpmMigrations);

      const after = new SqlProcesoRepository(database.db, catalogo);
      expect(await after.findByExpediente('exp-moved')).toEqual(saved);
      await expect(
        database.db.query(
          "SELECT sql FROM sqlite_schema WHERE name = 'bpm_historial' AND sql LIKE '%WITHOUT ROWID'",
        ),
      ).resolves.toHaveLength(1);
    } finally {
      await database.dispose();
    }
  });
});

describeWithServerAs('mysql', 'bpm', 'SqlProcesoRepository on MySQL', (url) => {
  repositoryContract(() => temporaryMysql(url()));
});
