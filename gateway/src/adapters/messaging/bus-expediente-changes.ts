import { hostname } from 'node:os';
import {
  Consumer,
  describeError,
  Envelope,
  Logger,
  MessageBus,
  topics,
} from '@expedientes/shared-kernel';
import { CambioDeExpediente } from '../../model/cambio-de-expediente';
import { ExpedienteChangeListener, ExpedienteChanges } from '../../ports/expediente-changes';

/** The integration events of an expediente: `expedientes.expediente.<tipo>`. */
const EVENT_PREFIX = 'expedientes.expediente.';

/**
 * The consumer group of a gateway process. Distributed: one of its own, so that every gateway
 * instance hears every change (a group shared by the instances would split them). Embedded:
 * a fixed one, since there is one process: its position is kept in the bus, so restarts add
 * nothing to it.
 */
export const liveUpdatesGroup = (mode: 'embedded' | 'distributed'): string =>
  mode === 'embedded' ? 'gateway.live-updates' : `gateway-live-${hostname()}-${process.pid}`;

/** The change an integration event of expedientes tells of; null for any other message. */
export function cambioOf(message: Envelope): CambioDeExpediente | null {
  if (!message.type.startsWith(EVENT_PREFIX)) return null;
  const { expedienteId, version } = (message.payload ?? {}) as Record<string, unknown>;
  if (typeof expedienteId !== 'string') return null;
  return {
    expedienteId,
    // Events published before they carried it: any version the reader shows is recent enough.
    version: typeof version === 'number' ? version : 0,
    tipo: message.type.slice(EVENT_PREFIX.length),
  };
}

/**
 * The changes to expedientes from their integration events on the message bus: one consumer
 * for the whole process, starting at the end of the topic, that fans each change out to the
 * listeners (the open event streams). Every document version and phase change is an event of
 * its expediente there too, so documents' and bpm's topics add nothing. Its handler never
 * fails: a listener that throws must not send the bus's messages to the dead-letter topic.
 */
export class BusExpedienteChanges implements ExpedienteChanges {
  private readonly listeners = new Set<ExpedienteChangeListener>();
  private consumer?: Consumer;

  constructor(
    private readonly bus: MessageBus,
    private readonly group: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.consumer ??= await this.bus.subscribe({
      group: this.group,
      topics: [topics.events('expedientes')],
      fromBeginning: false,
      // One group per process: one that died must leave no lag behind for an alert to see.
      keepsPosition: false,
      // With no stream open, a change has nobody to go to: not even checked.
      accepts: (type) => this.listeners.size > 0 && type.startsWith(EVENT_PREFIX),
      handler: async (message) => this.fanOut(message),
    });
  }

  subscribe(listener: ExpedienteChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  private fanOut(message: Envelope): void {
    const cambio = cambioOf(message);
    if (!cambio) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(cambio);
      } catch (error) {
        this.logger.warn(
          { error: describeError(error), expedienteId: cambio.expedienteId },
          'a live-updates listener failed',
        );
      }
    }
  }
}
