import {
  type Actor,
  documents,
  type Envelope,
  EnvelopeFactory,
  publishedLanguage,
  silentLogger,
} from '@expedientes/shared-kernel';
import { AlmacenDeContenidos } from '../../../src/application/almacen-de-contenidos';
import { MensajesDeDocumentos, type PayloadDe } from '../../../src/application/mensajes';
import { T0 } from '../mothers/documento-mother';
import { InMemoryExpedientesCerrados } from './in-memory-expedientes-cerrados';
import { InMemoryDocumentoRepository } from './in-memory-documento-repository';
import { InMemoryFileStore } from './in-memory-file-store';

export const ana: Actor = { userId: 'ana', roles: ['tramitador'] };

/** What every use case is built from, in memory, with a clock the test moves. */
export function harness(maxBytes = 1024 * 1024) {
  let now = T0;
  let ids = 0;
  const registry = publishedLanguage();
  const envelopes = new EnvelopeFactory(
    () => `msg-${++ids}`,
    () => now,
  );
  const files = new InMemoryFileStore(maxBytes);
  return {
    documentos: new InMemoryDocumentoRepository(),
    cerrados: new InMemoryExpedientesCerrados(),
    files,
    contenidos: new AlmacenDeContenidos(files, silentLogger),
    mensajes: new MensajesDeDocumentos(envelopes),
    clock: () => now,
    newId: () => `doc-${++ids}`,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    /** A saga command as the expedientes orchestrator sends it. */
    comando<TPayload>(
      contract: typeof documents.RegisterDocuments | typeof documents.ReleaseDocuments,
      payload: TPayload & PayloadDe<typeof contract>,
    ): Envelope<TPayload & PayloadDe<typeof contract>> {
      return envelopes.create({
        type: contract.type,
        key: payload.expedienteId,
        actor: ana,
        payload,
      });
    },
    /** Every message is valid in the published language. */
    assertValid(messages: readonly { envelope: Envelope }[]) {
      for (const { envelope } of messages) registry.assertValid(envelope);
    },
  };
}
