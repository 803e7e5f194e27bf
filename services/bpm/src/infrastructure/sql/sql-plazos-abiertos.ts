import { SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { PlazosAbiertos } from '../../application/recount-plazos/recount-plazos';

const upsertHuella: Record<SqlDatabase['dialect'], string> = {
  mysql: `INSERT INTO bpm_calendario (id, huella) VALUES (1, ?)
    ON DUPLICATE KEY UPDATE huella = VALUES(huella)`,
  sqlite: `INSERT INTO bpm_calendario (id, huella) VALUES (1, ?)
    ON CONFLICT (id) DO UPDATE SET huella = excluded.huella`,
};

/** The open plazos on MySQL or SQLite: the current stay of a process is its stay not left. */
export class SqlPlazosAbiertos implements PlazosAbiertos {
  constructor(private readonly db: SqlDatabase) {}

  async huella(): Promise<string | null> {
    const [row] = await this.db.query<{ huella: string }>(
      'SELECT huella FROM bpm_calendario WHERE id = 1',
    );
    return row?.huella ?? null;
  }

  async guardarHuella(huella: string): Promise<void> {
    await this.db.execute(upsertHuella[this.db.dialect], [huella]);
  }

  async conPlazo(despuesDe: string | null, limite: number): Promise<string[]> {
    const rows = await this.db.query<{ expediente_id: string }>(
      `SELECT p.expediente_id FROM bpm_procesos p
       JOIN bpm_historial h ON h.expediente_id = p.expediente_id AND h.salida_at IS NULL
       WHERE p.estado = 'activo' AND h.vencimiento IS NOT NULL AND p.expediente_id > ?
       ORDER BY p.expediente_id LIMIT ?`,
      [despuesDe ?? '', limite],
    );
    return rows.map((row) => row.expediente_id);
  }

  /** Active processes whose plazo ended before `hoy`, by the code of the phase they are in. */
  async vencidosPorFase(hoy: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ fase: string; vencidos: number | string }>(
      `SELECT h.fase, COUNT(*) AS vencidos FROM bpm_procesos p
       JOIN bpm_historial h ON h.expediente_id = p.expediente_id AND h.salida_at IS NULL
       WHERE p.estado = 'activo' AND h.vencimiento < ?
       GROUP BY h.fase`,
      [hoy],
    );
    return new Map(rows.map((row) => [row.fase, Number(row.vencidos)]));
  }
}
