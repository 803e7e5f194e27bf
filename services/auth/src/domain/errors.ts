import { DomainError } from '@expedientes/shared-kernel';
import { ROLES } from './rol';

/**
 * The expected failures of user management and sign-in. Their messages reach the user (the
 * login page, an administrator's screen), so they are plain Spanish.
 */

export class UsuarioInvalidoError extends DomainError {
  constructor(campo: string, explicacion: string) {
    super('AUTH.INVALID_USER', 'invalid', `${campo}: ${explicacion}`, { campo });
  }
}

export class RolDesconocidoError extends DomainError {
  constructor(rol: string) {
    super(
      'AUTH.UNKNOWN_ROLE',
      'invalid',
      `El rol ${rol} no existe; los roles son: ${ROLES.join(', ')}`,
      { rol },
    );
  }
}

export class ContrasenaDebilError extends DomainError {
  constructor(minimo: number) {
    super(
      'AUTH.WEAK_PASSWORD',
      'invalid',
      `La contraseña debe tener al menos ${minimo} caracteres`,
      { minimo },
    );
  }
}

/** A password chosen to replace the current one must be another. */
export class ContrasenaRepetidaError extends DomainError {
  constructor() {
    super('AUTH.SAME_PASSWORD', 'rule', 'La contraseña nueva tiene que ser distinta de la actual');
  }
}

export class UsuarioYaExisteError extends DomainError {
  constructor(username: string) {
    super('AUTH.USER_EXISTS', 'conflict', `Ya existe el usuario ${username}`, { username });
  }
}

export class UsuarioNoEncontradoError extends DomainError {
  constructor(username: string) {
    super('AUTH.USER_NOT_FOUND', 'not_found', `No existe el usuario ${username}`, { username });
  }
}

/** The same answer for an unknown user and a wrong password: it tells an attacker nothing. */
export class CredencialesIncorrectasError extends DomainError {
  constructor() {
    super('AUTH.INVALID_CREDENTIALS', 'unauthenticated', 'Usuario o contraseña incorrectos');
  }
}

export class UsuarioDeshabilitadoError extends DomainError {
  constructor(username: string) {
    super(
      'AUTH.USER_DISABLED',
      'forbidden',
      'Esta cuenta está deshabilitada; consulte con un administrador',
      { username },
    );
  }
}

/** Someone must always be able to manage the users. */
export class UltimoAdministradorError extends DomainError {
  constructor(username: string) {
    super(
      'AUTH.LAST_ADMIN',
      'conflict',
      `${username} es el único administrador activo: antes hay que nombrar a otro`,
      { username },
    );
  }
}

/** Someone else saved the user since it was read. */
export class UsuarioModificadoError extends DomainError {
  constructor(username: string) {
    super(
      'AUTH.CONCURRENT_UPDATE',
      'conflict',
      `El usuario ${username} ha cambiado mientras se modificaba; vuelva a intentarlo`,
      { username },
    );
  }
}

/** The brake on password guessing: the username or the address is locked for a while. */
export class DemasiadosIntentosError extends DomainError {
  constructor(readonly minutos: number) {
    super(
      'AUTH.TOO_MANY_ATTEMPTS',
      'rule',
      `Demasiados intentos; vuelva a intentarlo en ${minutos} ${minutos === 1 ? 'minuto' : 'minutos'}`,
      { minutos },
    );
  }
}
