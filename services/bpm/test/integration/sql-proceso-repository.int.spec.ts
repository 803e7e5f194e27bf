import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServer,
  TemporaryDatabase,
  temporaryMysql,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import { CatalogoDeProcedimientos } from '../../src/domain/catalogo-de-procedimientos';
import { Proceso } from '../../src/domain/proceso';
import { bpmMigrations } from '../../src/infrastructure/sql/bpm-migrations';
import { SqlProcesoRepository } from '../../src/infrastructure/sql/sql-proceso-repository';
import { ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

const at = (minute: number): Date => new Date(Date.UTC(2025, 2, 1, 9, minute));
const catalogo = new CatalogoDeProcedimientos([
  ProcedimientoMother.estandar(),
  ProcedimientoMother.estandarV2(),
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
    });

  const load = async (expedienteId: string): Promise<Proceso> => {
    const proceso = await procesos.findByExpediente(expedienteId);
    if (!proceso) throw new Error(`no process for ${expedienteId}`);
    return proceso;
  };

  it('reads back a process as it was saved, through every change', async () => {
    await procesos.save(iniciado('exp-roundtrip', 1));
    const proceso = await load('exp-roundtrip');
    proceso.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1));
    proceso.cambiarDeFase('RECHAZADO', usuarios.tramitadora, at(2));
    await procesos.save(proceso);
    const cancelado = await load('exp-roundtrip');
    cancelado.cancelar('system', at(3));
    await procesos.save(cancelado);

    const read = await load('exp-roundtrip');
    expect(read.datos()).toEqual({ ...cancelado.datos(), revision: 3 });
    expect(read.historial).toHaveLength(3);
    expect(read.iniciadoPor('saga-exp-roundtrip')).toBe(true);
  });

  it('keeps the procedure version a process started with', async () => {
    await procesos.save(iniciado('exp-version-2', 2));
    expect((await load('exp-version-2')).procedimiento.version).toBe(2);
  });

  it('finds nothing for an expediente without a process', async () => {
    await expect(procesos.findByExpediente('exp-none')).resolves.toBeNull();
  });

  it('refuses to save over a change saved since the process was read', async () => {
    await procesos.save(iniciado('exp-race'));
    const [first, second] = [await load('exp-race'), await load('exp-race')];
    first.cambiarDeFase('ANALISIS_TECNICO', usuarios.tramitadora, at(1));
    second.cambiarDeFase('ANALISIS_TECNICO', usuarios.admin, at(2));
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
});

describeWithServer('mysql', 'SqlProcesoRepository on MySQL', (url) => {
  repositoryContract(() => temporaryMysql(url()));
});
