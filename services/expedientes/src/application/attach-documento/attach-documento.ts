import { Documento, SagaDefinition } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { ExpedienteRepository } from '../../domain/expediente-repository';
import { RequestMetadata, requireRole, ROLES_QUE_TRAMITAN } from '../request';
import { SagaCommandOutcome, SagaEnding, SagaRunner } from '../sagas/saga-runner';
import { AttachDocumentoData } from './attach-documento-saga';
import { DocumentoRechazadoError } from './errors';

export interface AttachDocumentoCommand {
  readonly expedienteId: string;
  /** A document already uploaded to the documents service. */
  readonly documentId: string;
}

export interface DocumentoAttached {
  readonly expedienteId: string;
  readonly documento: Documento;
  readonly version: number;
}

/** Adds an uploaded document to an open expediente (new versions arrive from documents). */
export class AttachDocumento {
  constructor(
    private readonly sagas: SagaRunner,
    private readonly saga: SagaDefinition<AttachDocumentoData>,
    private readonly expedientes: ExpedienteRepository,
  ) {}

  async execute(
    command: AttachDocumentoCommand,
    request: RequestMetadata,
  ): Promise<SagaCommandOutcome<DocumentoAttached>> {
    requireRole(request.actor, ROLES_QUE_TRAMITAN, 'añadir documentos');
    const { expedienteId, documentId } = command;
    const ending: SagaEnding<AttachDocumentoData, DocumentoAttached> = {
      sameRequest: (stored) =>
        stored.expedienteId === expedienteId && stored.documentId === documentId,
      completed: async ({ documentos }, saga) => {
        const now = await this.expedientes.findById(expedienteId);
        const documento = documentos?.find((each) => each.documentId === documentId);
        if (!now || !documento)
          throw new Error(`saga ${saga.sagaId} completed without its document`);
        return { expedienteId, documento, version: now.version };
      },
      refused: (failure, saga) =>
        new DocumentoRechazadoError(failure, { expedienteId, documentId, sagaId: saga.sagaId }),
    };
    return this.sagas.runChecked(this.saga, request, ending, async () => {
      const expediente = await this.expedientes.findById(expedienteId);
      if (!expediente) throw new ExpedienteNoEncontradoError(expedienteId);
      expediente.comprobarDocumentoNuevo(documentId);
      return { expedienteId, documentId, documentos: null };
    });
  }
}
