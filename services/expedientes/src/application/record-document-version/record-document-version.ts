import { Clock, Documento, isDomainError, Logger } from '@expedientes/shared-kernel';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import { autoria, causaOfRequest, RequestMetadata } from '../request';
import { retryOnConflict } from '../retry-on-conflict';

export interface DocumentoSubidoToExpediente {
  readonly expedienteId: string;
  readonly documento: Documento;
}

export type RecordOutcome = 'recorded' | 'known' | 'ignored';

/**
 * documents says a version of a document of an expediente was uploaded: the expediente records
 * it. Naturally idempotent (a version it has is known), so redeliveries change nothing. A
 * version the expediente cannot take (unknown or closed expediente) is logged and dropped:
 * retrying would not change the answer.
 */
export class RecordDocumentVersion {
  constructor(
    private readonly expedientes: ExpedienteRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(
    subido: DocumentoSubidoToExpediente,
    request: RequestMetadata,
  ): Promise<RecordOutcome> {
    const { expedienteId, documento } = subido;
    return retryOnConflict(async () => {
      const expediente = await this.expedientes.findById(expedienteId);
      if (!expediente) return this.ignore(subido, 'the expediente does not exist');
      if (expediente.tieneVersion(documento.documentId, documento.version)) return 'known';
      try {
        expediente.adjuntarDocumento(documento, autoria(request.actor, this.clock()));
      } catch (error) {
        if (!isDomainError(error)) throw error;
        return this.ignore(subido, error.message);
      }
      await this.expedientes.save(expediente, causaOfRequest(request));
      return 'recorded';
    });
  }

  private ignore(subido: DocumentoSubidoToExpediente, reason: string): RecordOutcome {
    this.logger.warn(
      {
        expedienteId: subido.expedienteId,
        documentId: subido.documento.documentId,
        version: subido.documento.version,
        reason,
      },
      'a document version the expediente cannot take was dropped',
    );
    return 'ignored';
  }
}
