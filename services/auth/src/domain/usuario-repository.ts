import { Usuario } from './usuario';

/** Where the users are kept. */
export interface UsuarioRepository {
  findByUsername(username: string): Promise<Usuario | null>;
  /** Every user, by username. */
  list(): Promise<Usuario[]>;
  /** How many enabled users hold the admin role. */
  countActiveAdmins(): Promise<number>;
  /**
   * Stores a new user (UsuarioYaExisteError when the username is taken) or the changes of one
   * read from here (UsuarioModificadoError when it was saved by someone else since).
   */
  save(usuario: Usuario): Promise<void>;
}
