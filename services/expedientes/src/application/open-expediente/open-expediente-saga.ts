import {
  bpm,
  defineSaga,
  Documento,
  documents,
  Fase,
  invoke,
  local,
  onFailure,
  onSuccess,
  SagaDefinition,
  systemActor,
} from '@expedientes/shared-kernel';
import { CodigoDeExpediente } from '../../domain/codigo-de-expediente';
import { Expediente } from '../../domain/expediente';
import { OpcionInicial } from '../../domain/opcion-inicial';
import { SolicitudDeExpediente } from '../../domain/solicitud-de-expediente';
import { autoria, causaOfSaga } from '../request';
import { retryOnConflict } from '../retry-on-conflict';
import { ExpedienteResultante, resultanteDe } from '../sagas/expediente-resultante';
import { SagaDependencies } from '../sagas/saga-dependencies';
import { failureOf, reasonOf } from '../sagas/saga-failures';

export const OPEN_EXPEDIENTE = 'expedientes.OpenExpediente';
/** Every expediente follows the standard procedure for now. */
export const PROCEDIMIENTO = 'estandar';

export interface OpenExpedienteData {
  readonly expedienteId: string;
  readonly codigo: string;
  readonly opcionInicial: OpcionInicial;
  readonly descripcion: string;
  readonly documentIds: readonly string[];
  /** What documents registered, once it has. */
  readonly documentos: readonly Documento[] | null;
  /** Where the process started, once it has. */
  readonly fase: Fase | null;
  /** The last day of that phase's plazo (null: none), where bpm gave one. */
  readonly vencimiento?: string | null;
  /** The expediente once opened. */
  readonly resultante?: ExpedienteResultante;
}

/**
 * Requests the expediente (holding its code), registers its documents, starts its process and
 * opens it. Any failure releases the documents and cancels the process it got to, then rejects
 * the creation with the reason and frees the code.
 */
export function openExpedienteSaga({
  expedientes,
  codigos,
  clock,
  stepTimeoutMs,
}: SagaDependencies): SagaDefinition<OpenExpedienteData> {
  return defineSaga<OpenExpedienteData>({
    type: OPEN_EXPEDIENTE,
    key: (data) => data.expedienteId,
    steps: [
      {
        name: 'solicitarExpediente',
        action: local(async (data, context) => {
          if (await expedientes.findById(data.expedienteId)) return; // done before a restart
          const solicitud = SolicitudDeExpediente.crear(data);
          await codigos.reservar(solicitud.codigo, data.expedienteId);
          const expediente = Expediente.solicitar(
            data.expedienteId,
            solicitud,
            autoria(context.actor, clock()),
          );
          await expedientes.save(expediente, causaOfSaga(context));
        }),
      },
      {
        name: 'registrarDocumentos',
        action: invoke('documents', documents.RegisterDocuments, {
          payload: (data) => ({
            expedienteId: data.expedienteId,
            documentIds: [...data.documentIds],
          }),
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
          payload: (data) => ({
            expedienteId: data.expedienteId,
            documentIds: [...data.documentIds],
          }),
          timeoutMs: stepTimeoutMs,
          replies: [onSuccess(documents.DocumentsReleased)],
        }),
      },
      {
        name: 'iniciarProceso',
        action: invoke('bpm', bpm.StartProcess, {
          payload: (data) => ({ expedienteId: data.expedienteId, procedimiento: PROCEDIMIENTO }),
          timeoutMs: stepTimeoutMs,
          replies: [
            onSuccess(bpm.ProcessStarted, (data, reply) => ({
              ...data,
              fase: reply.fase,
              ...(reply.vencimiento === undefined ? {} : { vencimiento: reply.vencimiento }),
            })),
            onFailure(bpm.ProcessStartFailed, reasonOf),
          ],
        }),
        compensation: invoke('bpm', bpm.CancelProcess, {
          payload: (data) => ({ expedienteId: data.expedienteId }),
          timeoutMs: stepTimeoutMs,
          replies: [onSuccess(bpm.ProcessCancelled)],
        }),
      },
      {
        name: 'abrirExpediente',
        action: local(async (data, context) => {
          const { fase, documentos, vencimiento } = data;
          if (!fase || !documentos)
            throw new Error(`saga of ${data.expedienteId} lost its replies`);
          const resultante = await retryOnConflict(async () => {
            const expediente = await expedientes.findById(data.expedienteId);
            if (!expediente) throw new Error(`expediente ${data.expedienteId} is not stored`);
            // Opened before a restart when no longer pendiente.
            if (expediente.estadoActual === 'pendiente') {
              expediente.abrir({ fase, documentos, vencimiento }, autoria(context.actor, clock()));
              await expedientes.save(expediente, causaOfSaga(context));
            }
            return resultanteDe(expediente);
          });
          return { ...data, resultante };
        }),
      },
    ],
    onFailed: async (data, reason, context) => {
      const failure = failureOf(reason);
      await retryOnConflict(async () => {
        // Absent when the code was taken: nothing was requested, and the code is not ours.
        const expediente = await expedientes.findById(data.expedienteId);
        if (expediente?.estadoActual !== 'pendiente') return;
        // The system rejects it, not the user who asked for it.
        expediente.rechazarCreacion(
          { causa: failure.code, motivo: failure.message },
          autoria(systemActor, clock()),
        );
        await expedientes.save(expediente, causaOfSaga(context));
      });
      await codigos.liberar(CodigoDeExpediente.crear(data.codigo), data.expedienteId);
    },
  });
}
