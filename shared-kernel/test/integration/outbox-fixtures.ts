import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Envelope, EnvelopeFactory } from '../../src/messaging/envelope';
import { defineMessage, MessageRegistry } from '../../src/messaging/message-registry';
import { Consumer, MessageBus } from '../../src/ports/message-bus';
import type { OutgoingMessage } from '../../src/ports/outbox-inbox';

/** What the outbox specs enqueue and relay. */
const expedienteOpened = defineMessage(
  'expedientes.expediente-opened',
  'event',
  z.object({ code: z.string() }),
);
export const registry = new MessageRegistry([expedienteOpened]);
const envelopes = new EnvelopeFactory(randomUUID);
export const opened = (key: string, code: string): Envelope =>
  envelopes.create({
    type: expedienteOpened.type,
    key,
    payload: { code },
    actor: { userId: 'clerk', roles: ['clerk'] },
  });

/**
 * Records what the relay publishes; can be told to fail, as a broker that is down would, and
 * to hold what it has on the disk back (`holdDurability`) until `release()`.
 */
export class RecordingBus implements MessageBus {
  readonly published: { topic: string; message: Envelope }[] = [];
  /** Publishes that went through. */
  calls = 0;
  failures = 0;
  private held?: { promise: Promise<void>; release: () => void };

  publish(topic: string, messages: readonly Envelope[]): Promise<void> {
    return this.publishAll(messages.map((envelope) => ({ topic, envelope })));
  }

  async publishAll(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('broker unavailable');
    }
    this.calls++;
    for (const { topic, envelope } of messages) this.published.push({ topic, message: envelope });
  }

  durable(): Promise<void> {
    return this.held?.promise ?? Promise.resolve();
  }

  holdDurability(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held = { promise, release };
  }

  release(): void {
    this.held?.release();
    this.held = undefined;
  }

  subscribe(): Promise<Consumer> {
    throw new Error('the relay only publishes');
  }

  async close(): Promise<void> {}

  ids(): string[] {
    return this.published.map(({ message }) => message.id);
  }
}
