import { SqlExecutor, SqlParam } from '@expedientes/shared-kernel/adapters/sql';
import { CatalogoDeProcedimientos } from '../../domain/catalogo-de-procedimientos';
import { ProcesoModificadoError } from '../../domain/errors';
import { EstadoDeProceso, PasoPorFase, Proceso } from '../../domain/proceso';
import { ProcesoRepository } from '../../domain/proceso-repository';

/** A process row joined with one of its history rows (MySQL gives BIGINTs back as text). */
interface Row {
  saga_id: string;
  procedimiento: string;
  procedimiento_version: number | string;
  estado: EstadoDeProceso;
  revision: number | string;
  fase: string;
  entrada_at: number | string;
  entrada_por: string;
  vencimiento: string | null;
  salida_at: number | string | null;
  salida_por: string | null;
}

const upsertPaso: Record<SqlExecutor['dialect'], string> = {
  mysql: `INSERT INTO bpm_historial
      (expediente_id, orden, fase, entrada_at, entrada_por, vencimiento, salida_at, salida_por)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON DUPLICATE KEY UPDATE vencimiento = VALUES(vencimiento), salida_at = VALUES(salida_at),
      salida_por = VALUES(salida_por)`,
  sqlite: `INSERT INTO bpm_historial
      (expediente_id, orden, fase, entrada_at, entrada_por, vencimiento, salida_at, salida_por)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (expediente_id, orden)
    DO UPDATE SET vencimiento = excluded.vencimiento, salida_at = excluded.salida_at,
      salida_por = excluded.salida_por`,
};

const dateOf = (millis: number | string): Date => new Date(Number(millis));

/** How many stays each process read from the store had then: the older ones cannot change. */
const staysRead = new WeakMap<Proceso, number>();

/**
 * The processes on MySQL or SQLite: a row per process with a revision for optimistic
 * concurrency, and a row per phase it went through. A stay in a phase only ever gains its
 * exit (and its plazo counted again), so history rows are inserted once and completed.
 */
export class SqlProcesoRepository implements ProcesoRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly catalogo: CatalogoDeProcedimientos,
  ) {}

  async findByExpediente(expedienteId: string): Promise<Proceso | null> {
    // One statement, so the process and its history are read from the same committed state.
    const rows = await this.db.query<Row>(
      `SELECT p.saga_id, p.procedimiento, p.procedimiento_version, p.estado, p.revision,
              h.fase, h.entrada_at, h.entrada_por, h.vencimiento, h.salida_at, h.salida_por
       FROM bpm_procesos p JOIN bpm_historial h ON h.expediente_id = p.expediente_id
       WHERE p.expediente_id = ? ORDER BY h.orden`,
      [expedienteId],
    );
    if (rows.length === 0) return null;
    const [first] = rows;
    const procedimiento = this.catalogo.version(
      first.procedimiento,
      Number(first.procedimiento_version),
    );
    const proceso = Proceso.reconstituir({
      expedienteId,
      sagaId: first.saga_id,
      procedimiento,
      estado: first.estado,
      revision: Number(first.revision),
      historial: rows.map((row): PasoPorFase => ({
        fase: procedimiento.fase(row.fase),
        entradaAt: dateOf(row.entrada_at),
        entradaPor: row.entrada_por,
        vencimiento: row.vencimiento,
        salidaAt: row.salida_at === null ? null : dateOf(row.salida_at),
        salidaPor: row.salida_por,
      })),
    });
    staysRead.set(proceso, rows.length);
    return proceso;
  }

  async save(proceso: Proceso): Promise<void> {
    const datos = proceso.datos();
    if (datos.revision === 0) {
      await this.db.execute(
        `INSERT INTO bpm_procesos
           (expediente_id, saga_id, procedimiento, procedimiento_version, estado, revision)
         VALUES (?, ?, ?, ?, ?, 1)`,
        [
          datos.expedienteId,
          datos.sagaId,
          datos.procedimiento.codigo,
          datos.procedimiento.version,
          datos.estado,
        ],
      );
    } else {
      const { affectedRows } = await this.db.execute(
        `UPDATE bpm_procesos SET estado = ?, revision = revision + 1
         WHERE expediente_id = ? AND revision = ?`,
        [datos.estado, datos.expedienteId, datos.revision],
      );
      if (affectedRows === 0) throw new ProcesoModificadoError(datos.expedienteId);
    }
    // A save completes the stay it was in (its exit, its plazo counted again) and adds those
    // after it: the stays before that one are stored as they are.
    const unchanged = Math.max(0, (staysRead.get(proceso) ?? 0) - 1);
    for (const [orden, paso] of datos.historial.entries()) {
      if (orden < unchanged) continue;
      const params: SqlParam[] = [
        datos.expedienteId,
        orden,
        paso.fase.codigo,
        paso.entradaAt.getTime(),
        paso.entradaPor,
        paso.vencimiento,
        paso.salidaAt?.getTime() ?? null,
        paso.salidaPor,
      ];
      await this.db.execute(upsertPaso[this.db.dialect], params);
    }
  }
}
