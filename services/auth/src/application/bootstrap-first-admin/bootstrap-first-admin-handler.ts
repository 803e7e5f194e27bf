import { Clock } from '@expedientes/shared-kernel';
import { PasswordHasher } from '../../domain/password-hasher';
import { normalizarUsername, Usuario } from '../../domain/usuario';
import { UsuarioRepository } from '../../domain/usuario-repository';

export interface PrimerAdministrador {
  readonly username: string;
  /** None configured: one is generated, and the outcome carries it to be shown once. */
  readonly password?: string;
}

export type FirstAdminOutcome =
  | { readonly creado: false }
  | { readonly creado: true; readonly username: string; readonly passwordGenerada?: string };

/**
 * A platform without an enabled administrator gets one at start-up, so someone can manage
 * the users: with the configured credentials, or with a generated password that exists
 * nowhere else. Does nothing while an enabled administrator exists. When the username is
 * already taken, that user is made an enabled administrator with the new password: the way
 * back in for a platform that lost its administrators.
 */
export class BootstrapFirstAdminHandler {
  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly generarContrasena: () => string,
  ) {}

  async handle(primero: PrimerAdministrador): Promise<FirstAdminOutcome> {
    if ((await this.usuarios.countActiveAdmins()) > 0) return { creado: false };
    const password = primero.password ?? this.generarContrasena();
    const existente = await this.usuarios.findByUsername(normalizarUsername(primero.username));
    let usuario: Usuario;
    if (existente) {
      existente.asignarRoles([...existente.roles, 'admin']);
      existente.habilitar();
      await existente.cambiarContrasena(password, this.hasher);
      usuario = existente;
    } else {
      usuario = await Usuario.crear(
        {
          username: primero.username,
          nombre: 'Administrador',
          roles: ['admin'],
          password,
          at: this.clock(),
        },
        this.hasher,
      );
    }
    await this.usuarios.save(usuario);
    return {
      creado: true,
      username: usuario.username,
      ...(primero.password === undefined ? { passwordGenerada: password } : {}),
    };
  }
}
