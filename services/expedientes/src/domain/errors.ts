import { DomainError } from '@expedientes/shared-kernel';

/**
 * The expected failures of the expedientes context. Their messages reach the user (in an HTTP
 * problem, or as the reason a creation was rejected), so they are plain Spanish in the users'
 * terms; the codes are stable for clients and translations.
 */

export class CodigoInvalidoError extends DomainError {
  constructor(codigo: string) {
    super(
      'EXPEDIENTE.CODIGO_INVALIDO',
      'invalid',
      `El código «${codigo}» no es válido: use de 1 a 50 letras, cifras, guiones, barras o puntos`,
      { codigo },
    );
  }
}

export const CODIGO_DUPLICADO = 'EXPEDIENTE.CODIGO_DUPLICADO';

export class CodigoDuplicadoError extends DomainError {
  constructor(codigo: string) {
    super(CODIGO_DUPLICADO, 'conflict', `Ya existe un expediente con el código ${codigo}`, {
      codigo,
    });
  }
}

export class OpcionInicialInvalidaError extends DomainError {
  constructor(opcion: string) {
    super(
      'EXPEDIENTE.OPCION_INICIAL_INVALIDA',
      'invalid',
      `La opción inicial «${opcion}» no existe: elija «Sede electrónica» o «A petición departamento»`,
      { opcionInicial: opcion },
    );
  }
}

export class DescripcionDemasiadoLargaError extends DomainError {
  constructor(maximo: number) {
    super(
      'EXPEDIENTE.DESCRIPCION_DEMASIADO_LARGA',
      'invalid',
      `La descripción no puede tener más de ${maximo} caracteres`,
      { maximo },
    );
  }
}

export class ComentarioInvalidoError extends DomainError {
  constructor(motivo: string) {
    super('EXPEDIENTE.COMENTARIO_INVALIDO', 'invalid', motivo);
  }
}

export class NombreDeUsuarioInvalidoError extends DomainError {
  constructor(texto: string) {
    super(
      'EXPEDIENTE.USUARIO_INVALIDO',
      'invalid',
      `«${texto}» no es un nombre de usuario: de 3 a 64 minúsculas, cifras, puntos, guiones o guiones bajos`,
      { usuario: texto },
    );
  }
}

/** Someone else has the expediente: only they, or an administrator, reassign it. */
export class AsignadoAOtroError extends DomainError {
  constructor(expedienteId: string, asignadoA: string) {
    super(
      'EXPEDIENTE.ASIGNADO_A_OTRO',
      'conflict',
      `El expediente está asignado a ${asignadoA}: solo esa persona o un administrador pueden reasignarlo o liberarlo`,
      { expedienteId, asignadoA },
    );
  }
}

/** An assigned expediente moves on by its assignee's hand, or an administrator's. */
export class TramitaOtroError extends DomainError {
  constructor(expedienteId: string, asignadoA: string) {
    super(
      'EXPEDIENTE.TRAMITA_OTRO',
      'rule',
      `El expediente está asignado a ${asignadoA}: solo esa persona o un administrador pueden cambiarlo de fase`,
      { expedienteId, asignadoA },
    );
  }
}

export class SinDocumentosError extends DomainError {
  constructor() {
    super(
      'EXPEDIENTE.SIN_DOCUMENTOS',
      'invalid',
      'Un expediente se abre con al menos un documento',
    );
  }
}

export class DocumentoRepetidoError extends DomainError {
  constructor(documentId: string) {
    super(
      'EXPEDIENTE.DOCUMENTO_REPETIDO',
      'invalid',
      `El documento ${documentId} aparece más de una vez`,
      { documentId },
    );
  }
}

export class ExpedienteNoEncontradoError extends DomainError {
  constructor(expedienteId: string) {
    super('EXPEDIENTE.NO_ENCONTRADO', 'not_found', `No existe el expediente ${expedienteId}`, {
      expedienteId,
    });
  }
}

/** An action the expediente's current state does not allow (opening it twice, editing a closed one). */
export class EstadoNoPermiteError extends DomainError {
  constructor(expedienteId: string, estado: string, accion: string) {
    super(
      'EXPEDIENTE.ESTADO_NO_PERMITE',
      'rule',
      `No se puede ${accion}: el expediente está ${nombreDeEstado[estado] ?? estado}`,
      { expedienteId, estado, accion },
    );
  }
}

const nombreDeEstado: Record<string, string> = {
  pendiente: 'pendiente de apertura',
  abierto: 'abierto',
  finalizado: 'finalizado',
  creacion_rechazada: 'rechazado (su creación no se completó)',
};

export class MismaFaseError extends DomainError {
  constructor(expedienteId: string, fase: string) {
    super('EXPEDIENTE.MISMA_FASE', 'rule', `El expediente ya está en la fase ${fase}`, {
      expedienteId,
      fase,
    });
  }
}

export class VersionDeDocumentoYaRegistradaError extends DomainError {
  constructor(documentId: string, version: number, ultima: number) {
    super(
      'EXPEDIENTE.VERSION_DE_DOCUMENTO_YA_REGISTRADA',
      'conflict',
      `El expediente ya tiene la versión ${ultima} del documento ${documentId}; no se puede añadir la ${version}`,
      { documentId, version, ultima },
    );
  }
}

export class DocumentoYaAdjuntadoError extends DomainError {
  constructor(expedienteId: string, documentId: string) {
    super(
      'EXPEDIENTE.DOCUMENTO_YA_ADJUNTADO',
      'conflict',
      `El documento ${documentId} ya forma parte del expediente: suba una nueva versión de él`,
      { expedienteId, documentId },
    );
  }
}

/** The caller edited a version of the expediente that is no longer the current one. */
export class VersionObsoletaError extends DomainError {
  constructor(expedienteId: string, esperada: number, actual: number | null) {
    super(
      'EXPEDIENTE.VERSION_OBSOLETA',
      'conflict',
      'El expediente ha cambiado desde que lo consultó: vuelva a cargarlo y repita el cambio',
      { expedienteId, esperada, actual },
    );
  }
}
