import { DomainError } from '@expedientes/shared-kernel';

/**
 * The expected failures of the documents context, each with a stable code and a message in
 * plain Spanish that reaches the user.
 */
export class ErrorDeDocumentos extends DomainError {
  constructor(
    code: string,
    kind: 'invalid' | 'not_found' | 'conflict' | 'rule',
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, kind, message, details);
    this.name = new.target.name;
  }
}

export class NombreDeDocumentoInvalido extends ErrorDeDocumentos {
  constructor(motivo: string) {
    super('DOCUMENTS.NAME_INVALID', 'invalid', motivo);
  }
}

export class DocumentoNoEncontrado extends ErrorDeDocumentos {
  constructor(readonly documentIds: readonly string[]) {
    super(
      'DOCUMENTS.NOT_FOUND',
      'not_found',
      documentIds.length === 1
        ? `No existe el documento ${documentIds[0]}`
        : `No existen los documentos ${documentIds.join(', ')}`,
      { documentIds },
    );
  }
}

export class VersionNoEncontrada extends ErrorDeDocumentos {
  constructor(documentId: string, version: number) {
    super(
      'DOCUMENTS.VERSION_NOT_FOUND',
      'not_found',
      `El documento ${documentId} no tiene versión ${version}`,
      { documentId, version },
    );
  }
}

export class DocumentoYaRegistrado extends ErrorDeDocumentos {
  constructor(readonly documentIds: readonly string[]) {
    super(
      'DOCUMENTS.ALREADY_REGISTERED',
      'conflict',
      documentIds.length === 1
        ? `El documento ${documentIds[0]} ya pertenece a otro expediente`
        : `Los documentos ${documentIds.join(', ')} ya pertenecen a otro expediente`,
      { documentIds },
    );
  }
}

/** Someone else changed the document between reading and saving it; nothing was saved. */
export class DocumentoModificadoALaVez extends ErrorDeDocumentos {
  constructor(documentId: string) {
    super(
      'DOCUMENTS.CONCURRENT_UPDATE',
      'conflict',
      `El documento ${documentId} ha cambiado mientras se guardaba; vuelva a intentarlo`,
      { documentId },
    );
  }
}

export class ExpedienteCerrado extends ErrorDeDocumentos {
  constructor(readonly expedienteId: string) {
    super(
      'DOCUMENTS.EXPEDIENTE_CERRADO',
      'rule',
      `El expediente ${expedienteId} ha terminado: sus documentos ya no cambian`,
      { expedienteId },
    );
  }
}
