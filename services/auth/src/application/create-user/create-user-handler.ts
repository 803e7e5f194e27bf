import { Clock } from '@expedientes/shared-kernel';
import { PasswordHasher } from '../../domain/password-hasher';
import { Usuario } from '../../domain/usuario';
import { UsuarioRepository } from '../../domain/usuario-repository';
import { UsuarioView, vistaDe } from '../usuarios';

export interface CreateUserCommand {
  readonly username: string;
  readonly nombre: string;
  readonly password: string;
  readonly roles: readonly string[];
  /** Whether the user must replace the password at the first sign-in (false if absent). */
  readonly debeCambiarContrasena?: boolean;
}

/** An administrator gives someone access: a new, enabled user with the roles given. */
export class CreateUserHandler {
  constructor(
    private readonly usuarios: UsuarioRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async handle(command: CreateUserCommand): Promise<UsuarioView> {
    const usuario = await Usuario.crear(
      { ...command, provisional: command.debeCambiarContrasena, at: this.clock() },
      this.hasher,
    );
    await this.usuarios.save(usuario);
    return vistaDe(usuario);
  }
}
