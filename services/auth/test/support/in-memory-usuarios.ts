import { UsuarioModificadoError, UsuarioYaExisteError } from '../../src/domain/errors';
import { PasswordHasher } from '../../src/domain/password-hasher';
import { DatosDeUsuario, Usuario } from '../../src/domain/usuario';
import { UsuarioRepository } from '../../src/domain/usuario-repository';

/** UsuarioRepository in memory, with the SQL adapter's rules (duplicates, revisions). */
export class InMemoryUsuarios implements UsuarioRepository {
  private readonly stored = new Map<string, DatosDeUsuario>();

  async findByUsername(username: string): Promise<Usuario | null> {
    const datos = this.stored.get(username);
    return datos ? Usuario.reconstituir(datos) : null;
  }

  async list(): Promise<Usuario[]> {
    return [...this.stored.keys()].sort().map((username) => {
      return Usuario.reconstituir(this.stored.get(username) as DatosDeUsuario);
    });
  }

  async countActiveAdmins(): Promise<number> {
    return [...this.stored.values()].filter((d) => d.activo && d.roles.includes('admin')).length;
  }

  async save(usuario: Usuario): Promise<void> {
    const datos = usuario.datos();
    const current = this.stored.get(datos.username);
    if (datos.revision === 0 && current) throw new UsuarioYaExisteError(datos.username);
    if (datos.revision !== 0 && current?.revision !== datos.revision) {
      throw new UsuarioModificadoError(datos.username);
    }
    this.stored.set(datos.username, { ...datos, revision: datos.revision + 1 });
  }
}

/** Hashing without the cost, for tests of the rules around it. */
export class FakePasswordHasher implements PasswordHasher {
  readonly verified: string[] = [];

  async hash(password: string): Promise<string> {
    return `fake$${password}`;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    this.verified.push(hash);
    return hash === `fake$${password}`;
  }
}
