import {
  defineSaga,
  Documento,
  documents,
  invoke,
  local,
  onFailure,
  onSuccess,
  SagaDefinition,
} from '@expedientes/shared-kernel';
import { autoria, causaOfSaga } from '../request';
import { retryOnConflict } from '../retry-on-conflict';
import { SagaDependencies } from '../sagas/saga-dependencies';
import { reasonOf } from '../sagas/saga-failures';

export const ATTACH_DOCUMENTO = 'expedientes.AttachDocumento';

export interface AttachDocumentoData {
  readonly expedienteId: string;
  readonly documentId: string;
  /** What documents registered, once it has. */
  readonly documentos: readonly Documento[] | null;
}

/**
 * Registers an uploaded document to an open expediente, then records it there; should the
 * expediente refuse it meanwhile (it was finished), the document is released again.
 */
export function attachDocumentoSaga({
  expedientes,
  clock,
  stepTimeoutMs,
}: Pick<
  SagaDependencies,
  'expedientes' | 'clock' | 'stepTimeoutMs'
>): SagaDefinition<AttachDocumentoData> {
  const documentIds = (data: AttachDocumentoData) => ({
    expedienteId: data.expedienteId,
    documentIds: [data.documentId],
  });
  return defineSaga<AttachDocumentoData>({
    type: ATTACH_DOCUMENTO,
    key: (data) => data.expedienteId,
    steps: [
      {
        name: 'registrarDocumento',
        action: invoke('documents', documents.RegisterDocuments, {
          payload: documentIds,
          timeoutMs: stepTimeoutMs,
          replies: [
            onSuccess(documents.DocumentsRegistered, (data, reply) => ({
              ...data,
              documentos: reply.documentos,
            })),
            onFailure(documents.DocumentsRegistrationFailed, reasonOf),
          ],
        }),
        compensation: invoke('documents', documents.ReleaseDocuments, {
          payload: documentIds,
          timeoutMs: stepTimeoutMs,
          replies: [onSuccess(documents.DocumentsReleased)],
        }),
      },
      {
        name: 'adjuntarDocumento',
        action: local(async (data, context) => {
          if (!data.documentos) throw new Error(`saga of ${data.expedienteId} lost its reply`);
          const documentos = data.documentos;
          await retryOnConflict(async () => {
            const expediente = await expedientes.findById(data.expedienteId);
            if (!expediente) throw new Error(`expediente ${data.expedienteId} is not stored`);
            const nuevos = documentos.filter(
              (documento) => !expediente.tieneVersion(documento.documentId, documento.version),
            );
            if (nuevos.length === 0) return; // recorded before a restart
            for (const documento of nuevos) {
              expediente.adjuntarDocumento(documento, autoria(context.actor, clock()));
            }
            await expedientes.save(expediente, causaOfSaga(context));
          });
        }),
      },
    ],
  });
}
