import type { Migration, SqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import type { ExpedientesCerrados } from '../../application/expedientes-cerrados';

export const expedientesCerradosMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'expedientes terminados',
    up: [
      `CREATE TABLE expedientes_cerrados (
        expediente_id TEXT PRIMARY KEY,
        cerrado_at INTEGER NOT NULL
      )`,
    ],
  },
];

/** The ended expedientes in documents' SQLite database. */
export class SqliteExpedientesCerrados implements ExpedientesCerrados {
  private constructor(private readonly database: SqlDatabase) {}

  static async open(database: SqlDatabase): Promise<SqliteExpedientesCerrados> {
    await database.migrate('expedientes-cerrados', expedientesCerradosMigrations);
    return new SqliteExpedientesCerrados(database);
  }

  async cerrar(expedienteId: string, at: Date): Promise<void> {
    await this.database.execute(
      'INSERT OR IGNORE INTO expedientes_cerrados (expediente_id, cerrado_at) VALUES (?, ?)',
      [expedienteId, at.getTime()],
    );
  }

  async estaCerrado(expedienteId: string): Promise<boolean> {
    const filas = await this.database.query(
      'SELECT 1 FROM expedientes_cerrados WHERE expediente_id = ?',
      [expedienteId],
    );
    return filas.length > 0;
  }
}
