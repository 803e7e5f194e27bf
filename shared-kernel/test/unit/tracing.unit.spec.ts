import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import { deliver } from '../../src/adapters/shared/message-delivery';
import {
  inSpan,
  SpanKind,
  startTracing,
  traced,
  traceIds,
} from '../../src/adapters/shared/tracing';
import { withDeadLetters } from '../../src/messaging/dead-letter';
import { EnvelopeFactory } from '../../src/messaging/envelope';
import { defineMessage, MessageRegistry } from '../../src/messaging/message-registry';
import { silentLogger } from '../../src/ports/logger';

const noted = defineMessage('test.noted', 'event', z.object({ text: z.string() }));
const envelopes = new EnvelopeFactory(() => 'id-1');
const note = () =>
  envelopes.create({
    type: noted.type,
    key: 'exp-1',
    payload: { text: 'hola' },
    actor: { userId: 'u', roles: [] },
  });

/** Keeps what it was sent past the provider's shutdown, which flushes into it. */
class KeptSpans extends InMemorySpanExporter {
  override async shutdown(): Promise<void> {}
}

const deliverTo = (handler: () => Promise<void>, raw: string) =>
  deliver(
    { topic: 'notes', key: 'exp-1', raw },
    {
      group: 'group',
      handler,
      retry: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      validator: withDeadLetters(new MessageRegistry([noted])),
      envelopes,
      logger: silentLogger,
      signal: new AbortController().signal,
    },
  );

describe('traces', () => {
  it('carry a trace inside a message, and go on with it where the message is handled', async () => {
    const exporter = new KeptSpans();
    const tracing = startTracing('test', { exporter });
    try {
      const written = await inSpan('POST /expedientes', SpanKind.SERVER, {}, async () =>
        traced(note()),
      );
      const [, traceId] = written.traceparent?.split('-') ?? [];
      let handledIn: string | undefined;
      await deliverTo(async () => void (handledIn = traceIds().traceId), JSON.stringify(written));
      expect(handledIn).toBe(traceId);
    } finally {
      await tracing.shutdown();
    }
    const spans: ReadableSpan[] = exporter.getFinishedSpans();
    const [server, consumer] = ['POST /expedientes', 'test.noted process'].map((name) =>
      spans.find((span) => span.name === name),
    );
    expect(consumer?.spanContext().traceId).toBe(server?.spanContext().traceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });

  it('start with a request or a message, never with a query on its own', async () => {
    const exporter = new KeptSpans();
    const tracing = startTracing('test', { exporter });
    try {
      await inSpan('SELECT', SpanKind.CLIENT, {}, async () => undefined);
      await inSpan('POST /expedientes', SpanKind.SERVER, {}, () =>
        inSpan('INSERT', SpanKind.CLIENT, {}, async () => undefined),
      );
    } finally {
      await tracing.shutdown();
    }
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([
      'INSERT',
      'POST /expedientes',
    ]);
  });

  it('are off without an endpoint: a message carries none, a log line names none', async () => {
    const tracing = startTracing('test', { endpoint: '' });
    const message = note();
    await inSpan('anything', SpanKind.INTERNAL, {}, async () => {
      expect(traced(message)).toBe(message);
      expect(traceIds()).toEqual({});
    });
    await tracing.shutdown();
  });
});
