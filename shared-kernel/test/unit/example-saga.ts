import { z } from 'zod';
import { DomainError } from '../../src/domain/domain-error';
import { defineMessage } from '../../src/messaging/message-registry';
import {
  defineSaga,
  invoke,
  local,
  onFailure,
  onSuccess,
  SagaContext,
  sagaCommandPayload,
  sagaFailureReplyPayload,
  sagaReplyPayload,
} from '../../src/saga';

/**
 * An example saga shaped like the coming OpenExpediente: register the documents, start the
 * process, record the expediente as opened; reject the creation when it cannot be done.
 */
export const RegisterDocuments = defineMessage(
  'documents.RegisterDocuments',
  'command',
  sagaCommandPayload.extend({ expedienteId: z.string(), documents: z.array(z.string()) }),
);
export const DocumentsRegistered = defineMessage(
  'documents.DocumentsRegistered',
  'reply',
  sagaReplyPayload.extend({ documentIds: z.array(z.string()) }),
);
export const DocumentsRejected = defineMessage(
  'documents.DocumentsRejected',
  'reply',
  sagaFailureReplyPayload,
);
export const DiscardDocuments = defineMessage(
  'documents.DiscardDocuments',
  'command',
  sagaCommandPayload.extend({ documentIds: z.array(z.string()) }),
);
export const DocumentsDiscarded = defineMessage(
  'documents.DocumentsDiscarded',
  'reply',
  sagaReplyPayload,
);
export const DiscardRefused = defineMessage(
  'documents.DiscardRefused',
  'reply',
  sagaFailureReplyPayload,
);
export const StartProcess = defineMessage(
  'bpm.StartProcess',
  'command',
  sagaCommandPayload.extend({ expedienteId: z.string(), documentIds: z.array(z.string()) }),
);
export const ProcessStarted = defineMessage(
  'bpm.ProcessStarted',
  'reply',
  sagaReplyPayload.extend({ processId: z.string() }),
);
export const ProcessRefused = defineMessage('bpm.ProcessRefused', 'reply', sagaFailureReplyPayload);
export const CancelProcess = defineMessage(
  'bpm.CancelProcess',
  'command',
  sagaCommandPayload.extend({ processId: z.string().nullable() }),
);
export const ProcessCancelled = defineMessage('bpm.ProcessCancelled', 'reply', sagaReplyPayload);

export interface OpenData {
  readonly expedienteId: string;
  readonly documents: readonly string[];
  readonly documentIds?: readonly string[];
  readonly processId?: string;
}

export const DOCUMENTS_TIMEOUT_MS = 30_000;
export const PROCESS_TIMEOUT_MS = 60_000;
export const CANCEL_TIMEOUT_MS = 10_000;

/** What the saga's local actions did, and a way to make them fail. */
export class ExpedienteLog {
  readonly opened: { expedienteId: string; processId?: string; context: SagaContext }[] = [];
  readonly rejected: { expedienteId: string; reason: string }[] = [];
  /** The next `recordOpened` calls throw these, in order. */
  readonly openFailures: Error[] = [];
}

export function openExpedienteSaga(log: ExpedienteLog) {
  return defineSaga<OpenData>({
    type: 'test.OpenExpediente',
    key: (data) => data.expedienteId,
    steps: [
      {
        name: 'registerDocuments',
        action: invoke('documents', RegisterDocuments, {
          payload: (data) => ({ expedienteId: data.expedienteId, documents: [...data.documents] }),
          timeoutMs: DOCUMENTS_TIMEOUT_MS,
          replies: [
            onSuccess(DocumentsRegistered, (data, reply) => ({
              ...data,
              documentIds: reply.documentIds,
            })),
            onFailure(DocumentsRejected),
          ],
        }),
        compensation: invoke('documents', DiscardDocuments, {
          payload: (data) => ({ documentIds: [...(data.documentIds ?? [])] }),
          timeoutMs: CANCEL_TIMEOUT_MS,
          replies: [onSuccess(DocumentsDiscarded), onFailure(DiscardRefused)],
        }),
      },
      {
        name: 'startProcess',
        action: invoke('bpm', StartProcess, {
          payload: (data) => ({
            expedienteId: data.expedienteId,
            documentIds: [...(data.documentIds ?? [])],
          }),
          timeoutMs: PROCESS_TIMEOUT_MS,
          replies: [
            onSuccess(ProcessStarted, (data, reply) => ({ ...data, processId: reply.processId })),
            onFailure(ProcessRefused, (reply) => `bpm refused: ${reply.reason}`),
          ],
        }),
        compensation: invoke('bpm', CancelProcess, {
          payload: (data) => ({ processId: data.processId ?? null }),
          timeoutMs: CANCEL_TIMEOUT_MS,
          replies: [onSuccess(ProcessCancelled)],
        }),
      },
      {
        name: 'recordOpened',
        action: local(async (data, context) => {
          const failure = log.openFailures.shift();
          if (failure) throw failure;
          log.opened.push({ expedienteId: data.expedienteId, processId: data.processId, context });
        }),
      },
    ],
    onFailed: async (data, reason) => {
      log.rejected.push({ expedienteId: data.expedienteId, reason });
    },
  });
}

export const codeTaken = (): DomainError =>
  new DomainError('EXPEDIENTE.CODE_TAKEN', 'conflict', 'the code EXP-2030-1 is taken');
