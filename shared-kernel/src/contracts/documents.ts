import { z } from 'zod';
import { defineMessage } from '../messaging/message-registry';
import { sagaCommandPayload, sagaFailureReplyPayload, sagaReplyPayload } from '../saga/protocol';
import { documentoSchema, expedienteId } from './common';

/** The published language of the documents context. */
const documentIds = z.array(z.string().min(1)).min(1);

// Commands (topic documents.commands), sent by the expedientes sagas.
export const RegisterDocuments = defineMessage(
  'documents.RegisterDocuments',
  'command',
  sagaCommandPayload.extend({ expedienteId, documentIds }),
);
export const ReleaseDocuments = defineMessage(
  'documents.ReleaseDocuments',
  'command',
  sagaCommandPayload.extend({ expedienteId, documentIds }),
);

// Replies (topic documents.replies).
export const DocumentsRegistered = defineMessage(
  'documents.DocumentsRegistered',
  'reply',
  sagaReplyPayload.extend({ expedienteId, documentos: z.array(documentoSchema).min(1) }),
);
export const DocumentsRegistrationFailed = defineMessage(
  'documents.DocumentsRegistrationFailed',
  'reply',
  sagaFailureReplyPayload.extend({ code: z.string().min(1), documentIds: z.array(z.string()) }),
);
export const DocumentsReleased = defineMessage(
  'documents.DocumentsReleased',
  'reply',
  sagaReplyPayload.extend({ expedienteId }),
);

// Integration events (topic documents.events).
export const DocumentoSubido = defineMessage(
  'documents.documento.subido',
  'event',
  z.object({ documento: documentoSchema, expedienteId: expedienteId.nullable() }),
);
export const DocumentoRegistrado = defineMessage(
  'documents.documento.registrado',
  'event',
  z.object({ documentId: z.string().min(1), expedienteId }),
);
export const DocumentoLiberado = defineMessage(
  'documents.documento.liberado',
  'event',
  z.object({ documentId: z.string().min(1), expedienteId }),
);

export const documentsContracts = [
  RegisterDocuments,
  ReleaseDocuments,
  DocumentsRegistered,
  DocumentsRegistrationFailed,
  DocumentsReleased,
  DocumentoSubido,
  DocumentoRegistrado,
  DocumentoLiberado,
];
