import { SqlDatabase, SqlDialect } from '@expedientes/shared-kernel/adapters/sql';
import { Intentos, RegistroDeIntentos } from '../../domain/intentos-de-acceso';

/** MySQL gives BIGINTs back as text. */
interface Row {
  clave: string;
  fallos: number | string;
  desde: number | string;
  bloqueado_hasta: number | string;
  bloqueos: number | string;
  ultimo: number | string;
}

const placeholders = (count: number, each: string) => Array(count).fill(each).join(', ');

/**
 * A row for each key, so that there is one to lock (`ultimo` 0: never tried). On MySQL, the
 * update of an existing row takes its exclusive lock at once: INSERT IGNORE would take a
 * shared one, and two changes waiting to upgrade theirs would deadlock.
 */
const ensureRows: Record<SqlDialect, (count: number) => string> = {
  mysql: (count) =>
    `INSERT INTO auth_intentos_de_acceso
       (clave, fallos, desde, bloqueado_hasta, bloqueos, ultimo)
     VALUES ${placeholders(count, '(?, 0, 0, 0, 0, 0)')}
     ON DUPLICATE KEY UPDATE clave = clave`,
  sqlite: (count) =>
    `INSERT OR IGNORE INTO auth_intentos_de_acceso
       (clave, fallos, desde, bloqueado_hasta, bloqueos, ultimo)
     VALUES ${placeholders(count, '(?, 0, 0, 0, 0, 0)')}`,
};

/** SQLite's transactions hold the database's write lock from the start (BEGIN IMMEDIATE). */
const lockRows: Record<SqlDialect, string> = { mysql: ' FOR UPDATE', sqlite: '' };

const intentosDe = (row: Row): Intentos | null =>
  Number(row.ultimo) === 0
    ? null
    : {
        fallos: Number(row.fallos),
        desde: Number(row.desde),
        bloqueadoHasta: Number(row.bloqueado_hasta),
        bloqueos: Number(row.bloqueos),
        ultimo: Number(row.ultimo),
      };

/**
 * The sign-in attempts in auth's database (table auth_intentos_de_acceso), so that the
 * replicas of the distributed mode count together: each change reads and writes its keys'
 * rows in one transaction that holds them locked.
 */
export class SqlRegistroDeIntentos implements RegistroDeIntentos {
  constructor(private readonly db: SqlDatabase) {}

  async cambiar(
    claves: readonly string[],
    cambio: (
      actuales: ReadonlyMap<string, Intentos | null>,
    ) => ReadonlyMap<string, Intentos | null>,
  ): Promise<ReadonlyMap<string, Intentos | null>> {
    if (claves.length === 0) return new Map();
    // Always in the same order, so two changes that share keys never wait for each other.
    const ordenadas = [...new Set(claves)].sort();
    return this.db.transaction(async (tx) => {
      await tx.execute(ensureRows[tx.dialect](ordenadas.length), ordenadas);
      const rows = await tx.query<Row>(
        `SELECT clave, fallos, desde, bloqueado_hasta, bloqueos, ultimo
         FROM auth_intentos_de_acceso WHERE clave IN (${placeholders(ordenadas.length, '?')})
         ORDER BY clave${lockRows[tx.dialect]}`,
        ordenadas,
      );
      const leidos = new Map(rows.map((row) => [row.clave, intentosDe(row)]));
      const nuevos = cambio(new Map(ordenadas.map((clave) => [clave, leidos.get(clave) ?? null])));
      for (const [clave, intentos] of nuevos) {
        if (intentos === null) {
          await tx.execute('DELETE FROM auth_intentos_de_acceso WHERE clave = ?', [clave]);
        } else {
          await tx.execute(
            `UPDATE auth_intentos_de_acceso
             SET fallos = ?, desde = ?, bloqueado_hasta = ?, bloqueos = ?, ultimo = ?
             WHERE clave = ?`,
            [
              intentos.fallos,
              intentos.desde,
              intentos.bloqueadoHasta,
              intentos.bloqueos,
              intentos.ultimo,
              clave,
            ],
          );
        }
      }
      return nuevos;
    });
  }

  async olvidarAnterioresA(antes: number): Promise<number> {
    const { affectedRows } = await this.db.execute(
      'DELETE FROM auth_intentos_de_acceso WHERE ultimo < ? AND bloqueado_hasta < ?',
      [antes, antes],
    );
    return affectedRows;
  }
}
