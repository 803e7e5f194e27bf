import { DomainError } from '@expedientes/shared-kernel';

/**
 * The expected failures of phase tracking. Their messages reach the user (in a refused
 * transition's reply or an HTTP problem), so they are plain Spanish in the users' terms.
 */

export class ProcedimientoInvalidoError extends DomainError {
  constructor(procedimiento: string, problems: readonly string[]) {
    super(
      'BPM.INVALID_PROCEDURE',
      'invalid',
      `La definición del procedimiento ${procedimiento} no es válida: ${problems.join('; ')}`,
      { procedimiento, problems },
    );
  }
}

export class ProcedimientoNoEncontradoError extends DomainError {
  constructor(codigo: string, version?: number) {
    super(
      'BPM.PROCEDURE_NOT_FOUND',
      'not_found',
      version === undefined
        ? `No existe el procedimiento ${codigo}`
        : `No existe la versión ${version} del procedimiento ${codigo}`,
      { codigo, ...(version === undefined ? {} : { version }) },
    );
  }
}

export class FaseDesconocidaError extends DomainError {
  constructor(fase: string, procedimiento: string) {
    super(
      'BPM.UNKNOWN_PHASE',
      'invalid',
      `La fase ${fase} no existe en el procedimiento ${procedimiento}`,
      { fase, procedimiento },
    );
  }
}

export class TransicionNoPermitidaError extends DomainError {
  constructor(desde: string, hacia: string, explicacion: string) {
    super(
      'BPM.TRANSITION_NOT_ALLOWED',
      'rule',
      `No se puede pasar de ${desde} a ${hacia}: ${explicacion}`,
      { desde, hacia },
    );
  }
}

export class RolNoAutorizadoError extends DomainError {
  constructor(desde: string, hacia: string, rolesQuePueden: readonly string[]) {
    const quienes = rolesQuePueden.map((rol) => `un ${rol}`).join(' o ');
    super(
      'BPM.ROLE_NOT_ALLOWED',
      'forbidden',
      `Solo ${quienes} puede pasar de ${desde} a ${hacia}`,
      {
        desde,
        hacia,
        rolesQuePueden,
      },
    );
  }
}

export class ProcesoNoEncontradoError extends DomainError {
  constructor(expedienteId: string) {
    super(
      'BPM.PROCESS_NOT_FOUND',
      'not_found',
      `El expediente ${expedienteId} no tiene ningún proceso iniciado`,
      { expedienteId },
    );
  }
}

export class ProcesoYaIniciadoError extends DomainError {
  constructor(expedienteId: string) {
    super(
      'BPM.PROCESS_ALREADY_STARTED',
      'conflict',
      `El expediente ${expedienteId} ya tiene un proceso iniciado`,
      { expedienteId },
    );
  }
}

export class ProcesoCanceladoError extends DomainError {
  constructor(expedienteId: string) {
    super(
      'BPM.PROCESS_CANCELLED',
      'rule',
      `El proceso del expediente ${expedienteId} está cancelado: ya no cambia de fase`,
      { expedienteId },
    );
  }
}

/** Someone else saved the process since it was read; the command is retried on fresh state. */
export class ProcesoModificadoError extends DomainError {
  constructor(expedienteId: string) {
    super(
      'BPM.CONCURRENT_UPDATE',
      'conflict',
      `El proceso del expediente ${expedienteId} ha cambiado mientras se modificaba`,
      { expedienteId },
    );
  }
}

/** The procedure wants the user's reason for this transition (a rejection, say). */
export class MotivoRequeridoError extends DomainError {
  constructor(desde: string, hacia: string) {
    super(
      'BPM.MOTIVO_REQUERIDO',
      'rule',
      `Para pasar de ${desde} a ${hacia} hay que indicar el motivo`,
      { desde, hacia },
    );
  }
}
