import { z } from 'zod';
import { backoffMs, deliver, DeliveryOptions } from '../../src/adapters/shared/message-delivery';
import { silentLogger } from '../../src/ports/logger';
import {
  DeadLetter,
  deadLetterFor,
  deadLetterMessage,
  withDeadLetters,
} from '../../src/messaging/dead-letter';
import { EnvelopeFactory } from '../../src/messaging/envelope';
import { defineMessage, MessageRegistry } from '../../src/messaging/message-registry';

const fined = defineMessage('test.fined', 'event', z.object({ amount: z.number() }));
let ids = 0;
const envelopes = new EnvelopeFactory(
  () => `id-${++ids}`,
  () => new Date('2025-01-02T03:04:05.000Z'),
);
const message = envelopes.create({
  type: fined.type,
  key: 'exp-1',
  payload: { amount: 10 },
  actor: { userId: 'u', roles: [] },
});

const options = (overrides: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
  group: 'group',
  handler: async () => undefined,
  retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 },
  validator: withDeadLetters(new MessageRegistry([fined])),
  envelopes,
  logger: silentLogger,
  signal: new AbortController().signal,
  ...overrides,
});

const received = (raw: string) => ({ topic: 'fines.events', key: 'exp-1', raw });

describe('message delivery', () => {
  it('doubles the backoff after each failure, up to its ceiling', () => {
    const policy = { maxAttempts: 9, initialBackoffMs: 100, maxBackoffMs: 500 };
    expect([1, 2, 3, 4].map((attempt) => backoffMs(policy, attempt))).toEqual([100, 200, 400, 500]);
  });

  it('hands a valid message to the handler with its attempt', async () => {
    const handler = jest.fn(async () => undefined);

    const outcome = await deliver(received(JSON.stringify(message)), options({ handler }));

    expect(outcome).toEqual({ kind: 'handled' });
    expect(handler).toHaveBeenCalledWith(message, { topic: 'fines.events', attempt: 1 });
  });

  it('dead-letters a message that is not JSON without calling the handler', async () => {
    const handler = jest.fn(async () => undefined);

    const outcome = await deliver(received('{oops'), options({ handler }));

    expect(handler).not.toHaveBeenCalled();
    expect(outcome.kind).toBe('dead-lettered');
    const letter = (outcome as { deadLetter: { key: string; payload: DeadLetter } }).deadLetter;
    expect(letter.key).toBe('exp-1');
    expect(letter.payload).toMatchObject({
      originalTopic: 'fines.events',
      consumerGroup: 'group',
      attempts: 0,
      originalMessage: '{oops',
      reason: expect.stringMatching(/^invalid message: not JSON/),
    });
  });

  it('lets a message of a type the group does not accept by, neither checked nor handled', async () => {
    const handler = jest.fn(async () => undefined);
    const broken = JSON.stringify({ ...message, payload: { amount: 'ten' } });
    const onlyOthers = options({ handler, accepts: (type) => type !== fined.type });

    await expect(deliver(received(broken), onlyOthers)).resolves.toEqual({ kind: 'handled' });
    expect(handler).not.toHaveBeenCalled();
    const accepted = await deliver(received(broken), options({ handler, accepts: () => true }));
    expect(accepted.kind).toBe('dead-lettered');
  });

  it('gives up after the last attempt with the last failure as the reason', async () => {
    let calls = 0;
    const handler = async () => {
      throw new Error(`failure ${++calls}`);
    };

    const outcome = await deliver(received(JSON.stringify(message)), options({ handler }));

    expect(calls).toBe(3);
    expect(outcome).toMatchObject({
      kind: 'dead-lettered',
      deadLetter: { causationId: message.id, payload: { attempts: 3, reason: 'Error: failure 3' } },
    });
  });

  it('leaves a message unacknowledged when the consumer stops during a backoff', async () => {
    const stopping = new AbortController();
    const handler = async () => {
      stopping.abort();
      throw new Error('down');
    };
    const retry = { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000 };

    const outcome = await deliver(
      received(JSON.stringify(message)),
      options({ handler, retry, signal: stopping.signal }),
    );

    expect(outcome).toEqual({ kind: 'abandoned' });
  });
});

describe('dead letters', () => {
  it('are valid for any registry, which knows nothing of them', () => {
    const letter = deadLetterFor(envelopes, {
      topic: 'fines.events',
      consumerGroup: 'group',
      reason: 'broken',
      attempts: 0,
      raw: 'x',
      key: null,
    });
    const validator = withDeadLetters(new MessageRegistry([fined]));

    expect(letter.type).toBe(deadLetterMessage.type);
    expect(letter.key).toBe('fines.events'); // keyless originals share their topic as key
    expect(validator.validate(letter)).toEqual({ ok: true, envelope: letter });
    expect(validator.validate({ ...letter, payload: {} }).ok).toBe(false);
    expect(new MessageRegistry([fined]).validate(letter).ok).toBe(false);
  });
});
