import { SqlDatabase, SqlExecutor } from '@expedientes/shared-kernel/adapters/sql';
import { UsuarioModificadoError, UsuarioYaExisteError } from '../../domain/errors';
import { esRol, Rol, ROLES } from '../../domain/rol';
import { Usuario } from '../../domain/usuario';
import { UsuarioRepository } from '../../domain/usuario-repository';

/** A user row joined with one of its roles (MySQL gives BIGINTs back as text). */
interface Row {
  username: string;
  nombre: string;
  password_hash: string;
  activo: number | boolean;
  debe_cambiar_contrasena: number | boolean;
  credenciales_desde: number | string | null;
  creado_at: number | string;
  revision: number | string;
  rol: string | null;
}

const select = `SELECT u.username, u.nombre, u.password_hash, u.activo, u.debe_cambiar_contrasena,
    u.credenciales_desde, u.creado_at, u.revision, r.rol
  FROM auth_usuarios u LEFT JOIN auth_usuario_roles r ON r.username = u.username`;

/** Rows of one or more users, in username order, to users. */
function usuariosDe(rows: readonly Row[]): Usuario[] {
  const porUsername = new Map<string, { row: Row; roles: Rol[] }>();
  for (const row of rows) {
    const entrada = porUsername.get(row.username) ?? { row, roles: [] };
    if (row.rol !== null && esRol(row.rol)) entrada.roles.push(row.rol);
    porUsername.set(row.username, entrada);
  }
  return [...porUsername.values()].map(({ row, roles }) =>
    Usuario.reconstituir({
      username: row.username,
      nombre: row.nombre,
      roles: ROLES.filter((rol) => roles.includes(rol)),
      passwordHash: row.password_hash,
      activo: Boolean(Number(row.activo)),
      debeCambiarContrasena: Boolean(Number(row.debe_cambiar_contrasena)),
      credencialesDesde:
        row.credenciales_desde === null ? null : new Date(Number(row.credenciales_desde)),
      creadoAt: new Date(Number(row.creado_at)),
      revision: Number(row.revision),
    }),
  );
}

/**
 * The users on MySQL or SQLite: a row per user with a revision for optimistic concurrency,
 * and a row per role it holds.
 */
export class SqlUsuarioRepository implements UsuarioRepository {
  constructor(private readonly db: SqlDatabase) {}

  async findByUsername(username: string): Promise<Usuario | null> {
    const rows = await this.db.query<Row>(`${select} WHERE u.username = ?`, [username]);
    return usuariosDe(rows)[0] ?? null;
  }

  async list(): Promise<Usuario[]> {
    return usuariosDe(await this.db.query<Row>(`${select} ORDER BY u.username`));
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db.query<{ total: number | string }>(
      `SELECT COUNT(*) AS total FROM auth_usuarios u
       JOIN auth_usuario_roles r ON r.username = u.username AND r.rol = 'admin'
       WHERE u.activo = ?`,
      [true],
    );
    return Number(row?.total ?? 0);
  }

  async save(usuario: Usuario): Promise<void> {
    const datos = usuario.datos();
    try {
      await this.db.transaction(async (tx) => {
        if (datos.revision === 0) {
          await tx.execute(
            `INSERT INTO auth_usuarios
               (username, nombre, password_hash, activo, debe_cambiar_contrasena,
                credenciales_desde, creado_at, revision)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
            [
              datos.username,
              datos.nombre,
              datos.passwordHash,
              datos.activo,
              datos.debeCambiarContrasena,
              datos.credencialesDesde?.getTime() ?? null,
              datos.creadoAt.getTime(),
            ],
          );
        } else {
          const { affectedRows } = await tx.execute(
            `UPDATE auth_usuarios SET nombre = ?, password_hash = ?, activo = ?,
               debe_cambiar_contrasena = ?, credenciales_desde = ?, revision = revision + 1
             WHERE username = ? AND revision = ?`,
            [
              datos.nombre,
              datos.passwordHash,
              datos.activo,
              datos.debeCambiarContrasena,
              datos.credencialesDesde?.getTime() ?? null,
              datos.username,
              datos.revision,
            ],
          );
          if (affectedRows === 0) throw new UsuarioModificadoError(datos.username);
          await tx.execute('DELETE FROM auth_usuario_roles WHERE username = ?', [datos.username]);
        }
        await insertRoles(tx, datos.username, datos.roles);
      });
    } catch (error) {
      // The drivers word a duplicate key differently; the row being there says it for both.
      if (datos.revision === 0 && (await this.findByUsername(datos.username))) {
        throw new UsuarioYaExisteError(datos.username);
      }
      throw error;
    }
  }
}

async function insertRoles(tx: SqlExecutor, username: string, roles: readonly Rol[]) {
  for (const rol of roles) {
    await tx.execute('INSERT INTO auth_usuario_roles (username, rol) VALUES (?, ?)', [
      username,
      rol,
    ]);
  }
}
