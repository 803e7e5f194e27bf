import {
  type Actor,
  type Documento as DocumentoPublicado,
  documents,
  type Envelope,
  EnvelopeFactory,
  type MessageContract,
  type OutgoingMessage,
  topics,
} from '@expedientes/shared-kernel';
import type { EventoDeDocumento, VersionDeDocumento } from '../domain/documento';

export type PayloadDe<TContract> =
  TContract extends MessageContract<infer TPayload> ? TPayload : never;

/** Who caused the messages: the user of a request, or the command being handled. */
export interface Causa {
  readonly actor: Actor;
  readonly causedBy: Pick<Envelope, 'id' | 'correlationId'>;
}

/** A request has no message id: its correlation id names it as the cause. */
export const causaDePeticion = (actor: Actor, correlationId: string): Causa => ({
  actor,
  causedBy: { id: correlationId, correlationId },
});

/** A version as the published language shows documents to the other contexts. */
export const documentoPublicado = (
  documentId: string,
  version: VersionDeDocumento,
): DocumentoPublicado => ({
  documentId,
  nombre: version.nombre,
  mediaType: version.mediaType,
  size: version.size,
  sha256: version.sha256,
  version: version.version,
  subidoAt: version.subidoAt.toISOString(),
  subidoPor: version.subidoPor,
});

/** Turns what happened into the messages of the published language. */
export class MensajesDeDocumentos {
  constructor(private readonly envelopes: EnvelopeFactory) {}

  deEventos(eventos: readonly EventoDeDocumento[], causa: Causa): OutgoingMessage[] {
    return eventos.map((evento) => ({
      topic: topics.events('documents'),
      envelope: this.evento(evento, causa),
    }));
  }

  /** The answer to a saga command, on the same key and by the same actor. */
  respuesta<TPayload>(
    contrato: MessageContract<TPayload>,
    comando: Envelope,
    payload: TPayload,
  ): OutgoingMessage {
    return {
      topic: topics.replies('documents'),
      envelope: this.envelopes.create({
        type: contrato.type,
        schemaVersion: contrato.schemaVersion,
        key: comando.key,
        actor: comando.actor,
        causedBy: comando,
        payload,
      }),
    };
  }

  private evento(evento: EventoDeDocumento, { actor, causedBy }: Causa): Envelope {
    const mensaje = <TPayload>(
      contrato: MessageContract<TPayload>,
      key: string,
      payload: TPayload,
    ) =>
      this.envelopes.create({
        type: contrato.type,
        schemaVersion: contrato.schemaVersion,
        key,
        actor,
        causedBy,
        payload,
      });
    switch (evento.tipo) {
      case 'DocumentoSubido':
        // Keyed by its expediente once it has one, so it stays in order with the rest of it.
        return mensaje(documents.DocumentoSubido, evento.expedienteId ?? evento.documentId, {
          documento: documentoPublicado(evento.documentId, evento.version),
          expedienteId: evento.expedienteId,
        });
      case 'DocumentoRegistrado':
        return mensaje(documents.DocumentoRegistrado, evento.expedienteId, {
          documentId: evento.documentId,
          expedienteId: evento.expedienteId,
        });
      case 'DocumentoLiberado':
        return mensaje(documents.DocumentoLiberado, evento.expedienteId, {
          documentId: evento.documentId,
          expedienteId: evento.expedienteId,
        });
    }
  }
}
