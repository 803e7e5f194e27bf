import { randomUUID } from 'node:crypto';
import { eventually } from './eventually';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetter, deadLetterMessage } from '../messaging/dead-letter';
import { Envelope, EnvelopeFactory } from '../messaging/envelope';
import { InvalidMessageError, MessageRegistry } from '../messaging/message-registry';
import { topics } from '../messaging/topics';
import {
  Consumer,
  ConsumerOptions,
  MessageBus,
  MessageContext,
  MessageHandler,
  RetryPolicy,
} from '../ports/message-bus';
import {
  ChildBusSpec,
  contractRegistry,
  crashConsumerMidMessage,
  EffectLedger,
  NoteTaken,
  noteStruck,
  noteTaken,
} from './message-bus-fixtures';

export interface MessageBusHarness {
  /** A bus on the shared broker or file; every call is another process's view of it. */
  openBus(registry: MessageRegistry): Promise<MessageBus>;
  /** Writes `raw` to `topic` past every validation, as a buggy or foreign producer would. */
  injectRaw(topic: string, key: string, raw: string): Promise<void>;
  /** How a child process opens the same bus (the suite kills one mid-message). */
  readonly childBus: ChildBusSpec;
  /** Whether its consumers give several messages at once to a batch handler. */
  readonly handsBatches: boolean;
  /** How long a group may take to give a dead member's messages to another (Kafka waits out its session). */
  readonly takeoverTimeoutMs: number;
  /** Closes what the harness opened; the suite has closed its buses by then. */
  close(): Promise<void>;
}

/** Short backoffs keep the suite fast. */
const quickRetry: RetryPolicy = { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 40 };

const envelopes = new EnvelopeFactory(randomUUID);

const note = (key: string, seq: number, text = `note ${seq}`): Envelope<NoteTaken> =>
  envelopes.create({
    type: noteTaken.type,
    key,
    payload: { seq, note: text },
    actor: { userId: 'contract-tester', roles: ['tester'] },
  });

/** A topic or group name no other test, nor an earlier run on the same broker, uses. */
const unique = (what: string): string => `contract-${what}-${randomUUID().slice(0, 8)}`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Delivery {
  readonly message: Envelope;
  readonly context: MessageContext;
}

/** A handler that records what it was handed, then does `then` (which may throw). */
const recorder = (then: MessageHandler = async () => undefined) => {
  const deliveries: Delivery[] = [];
  const handler: MessageHandler = async (message, context) => {
    deliveries.push({ message, context });
    await then(message, context);
  };
  const ids = (): string[] => deliveries.map(({ message }) => message.id);
  return { deliveries, handler, ids };
};

const payloadOf = (message: Envelope): NoteTaken => message.payload as NoteTaken;

/**
 * The behaviour every MessageBus adapter must show (see the port's doc comment). `setup`
 * runs once for the suite; each test uses topics and groups of its own.
 */
export function messageBusContract(name: string, setup: () => Promise<MessageBusHarness>): void {
  describe(`MessageBus contract: ${name}`, () => {
    let harness: MessageBusHarness;
    let bus: MessageBus;
    let scratch: string;
    const buses: MessageBus[] = [];
    const consumers: Consumer[] = [];

    const openBus = async (): Promise<MessageBus> => {
      const opened = await harness.openBus(contractRegistry());
      buses.push(opened);
      return opened;
    };

    const subscribe = async (
      on: MessageBus,
      options: Omit<ConsumerOptions, 'retry'> & { retry?: RetryPolicy },
    ): Promise<Consumer> => {
      const consumer = await on.subscribe({ retry: quickRetry, ...options });
      consumers.push(consumer);
      return consumer;
    };

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'message-bus-contract-'));
      harness = await setup();
      bus = await openBus();
    });

    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    });

    afterAll(async () => {
      await Promise.all(buses.map((each) => each.close()));
      await harness?.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('delivers a published message with its envelope intact', async () => {
      const topic = unique('round-trip');
      const received = recorder();
      await subscribe(bus, { group: unique('group'), topics: [topic], handler: received.handler });
      const sent = note('expediente-1', 1);

      await bus.publish(topic, [sent]);

      await eventually(() => expect(received.deliveries).toHaveLength(1));
      expect(received.deliveries[0]).toEqual({ message: sent, context: { topic, attempt: 1 } });
    });

    it('delivers what a relay publishes ahead of the disk, and says when it is durable', async () => {
      const topic = unique('relayed');
      const received = recorder();
      await subscribe(bus, { group: unique('group'), topics: [topic], handler: received.handler });
      const sent = [note('expediente-r', 1), note('expediente-r', 2)];

      await bus.publish(topic, [sent[0]], { redoneIfLost: true });
      await bus.publish(topic, [sent[1]]);
      await bus.durable();

      await eventually(() => expect(received.ids()).toEqual(sent.map((message) => message.id)));
    });

    it('hands the messages of each key over in the order they were published', async () => {
      const topic = unique('order');
      const keys = ['expediente-a', 'expediente-b', 'expediente-c'];
      const sent = Array.from({ length: 20 }, (_, seq) => keys.map((key) => note(key, seq))).flat();
      const received = recorder();
      await subscribe(bus, { group: unique('group'), topics: [topic], handler: received.handler });

      for (let start = 0; start < sent.length; start += 7) {
        await bus.publish(topic, sent.slice(start, start + 7));
      }

      await eventually(() => expect(received.deliveries).toHaveLength(sent.length));
      for (const key of keys) {
        const seqs = received.deliveries
          .filter(({ message }) => message.key === key)
          .map(({ message }) => payloadOf(message).seq);
        expect(seqs).toEqual(Array.from({ length: 20 }, (_, seq) => seq));
      }
    });

    it('publishes messages of several topics at once, each topic in its order', async () => {
      const [first, second] = [unique('all-a'), unique('all-b')];
      const received = recorder();
      await subscribe(bus, {
        group: unique('group'),
        topics: [first, second],
        handler: received.handler,
      });
      const sent = [note('expediente-m', 1), note('expediente-m', 2), note('expediente-m', 3)];

      await bus.publishAll([
        { topic: first, envelope: sent[0] },
        { topic: second, envelope: sent[1] },
        { topic: first, envelope: sent[2] },
      ]);

      await eventually(() => expect(received.deliveries).toHaveLength(3));
      const onTopic = (topic: string) =>
        received.deliveries
          .filter(({ context }) => context.topic === topic)
          .map(({ message }) => message.id);
      expect(onTopic(first)).toEqual([sent[0].id, sent[2].id]);
      expect(onTopic(second)).toEqual([sent[1].id]);
    });

    it('gives every group all messages and each message to one member of a group', async () => {
      const topic = unique('groups');
      const sent = Array.from({ length: 12 }, (_, seq) => note(`expediente-${seq % 4}`, seq));
      const auditors = recorder();
      const firstMember = recorder();
      const secondMember = recorder();
      const workers = unique('workers');
      await subscribe(bus, {
        group: unique('auditors'),
        topics: [topic],
        handler: auditors.handler,
      });
      await subscribe(bus, { group: workers, topics: [topic], handler: firstMember.handler });
      const otherProcess = await openBus();
      await subscribe(otherProcess, {
        group: workers,
        topics: [topic],
        handler: secondMember.handler,
      });

      await bus.publish(topic, sent);

      const sentIds = sent.map((message) => message.id).sort();
      const workerIds = (): string[] => [...firstMember.ids(), ...secondMember.ids()].sort();
      await eventually(() => {
        expect([...auditors.ids()].sort()).toEqual(sentIds);
        expect(workerIds()).toEqual(sentIds);
      });
      await sleep(300); // room for a duplicate to show up
      expect(auditors.deliveries).toHaveLength(sent.length);
      expect(workerIds()).toEqual(sentIds);
    });

    it('resumes a group after its last acknowledged message', async () => {
      const topic = unique('resume');
      const group = unique('group');
      const before = recorder();
      const consumer = await subscribe(bus, { group, topics: [topic], handler: before.handler });
      const first = [note('expediente-r', 1), note('expediente-r', 2)];
      await bus.publish(topic, first);
      await eventually(() => expect(before.deliveries).toHaveLength(2));
      await consumer.stop();

      const second = [note('expediente-r', 3)];
      await bus.publish(topic, second);
      const after = recorder();
      await subscribe(bus, { group, topics: [topic], handler: after.handler });

      await eventually(() => expect(after.ids()).toEqual([second[0].id]));
      await sleep(300);
      expect(after.ids()).toEqual([second[0].id]);
    });

    it('delivers again a message whose consumer died before acknowledging it, with one effect', async () => {
      const topic = unique('crash');
      const group = unique('group');
      const effectsFile = join(scratch, `${group}.db`);
      const sent = note('expediente-crash', 1);
      await bus.publish(topic, [sent]);

      const handledByTheDead = await crashConsumerMidMessage({
        bus: harness.childBus,
        group,
        topic,
        effectsFile,
      });
      expect(handledByTheDead).toBe(sent.id);

      const ledger = await EffectLedger.open(effectsFile);
      try {
        expect(await ledger.count(sent.id)).toBe(1);
        const survivor = recorder((message) => ledger.apply(group, message));
        await subscribe(bus, { group, topics: [topic], handler: survivor.handler });
        await eventually(
          () => expect(survivor.ids()).toEqual([sent.id]),
          harness.takeoverTimeoutMs,
        );
        expect(await ledger.count(sent.id)).toBe(1);
      } finally {
        await ledger.close();
      }
    });

    it('retries a failing handler with backoff and loses nothing', async () => {
      const topic = unique('retry');
      const flaky = note('expediente-f', 1);
      const next = note('expediente-f', 2);
      const received = recorder(async (message, { attempt }) => {
        if (message.id === flaky.id && attempt <= 2) throw new Error(`flaky, attempt ${attempt}`);
      });
      await subscribe(bus, { group: unique('group'), topics: [topic], handler: received.handler });

      await bus.publish(topic, [flaky, next]);

      await eventually(() =>
        expect(received.ids()).toEqual([flaky.id, flaky.id, flaky.id, next.id]),
      );
      expect(received.deliveries.map(({ context }) => context.attempt)).toEqual([1, 2, 3, 1]);
    });

    const deadLettersOf = async (topic: string) => {
      const dead = recorder();
      await subscribe(bus, {
        group: unique('dlq-reader'),
        topics: [topics.deadLetter(topic)],
        handler: dead.handler,
      });
      return {
        dead,
        payloads: (): DeadLetter[] =>
          dead.deliveries.map(({ message }) => message.payload as DeadLetter),
      };
    };

    describe('dead letters', () => {
      it('sends a message whose handler keeps failing to <topic>.dlq and goes on', async () => {
        const topic = unique('poison');
        const group = unique('group');
        const poison = note('expediente-p', 1, 'poison');
        const next = note('expediente-p', 2);
        const received = recorder(async (message) => {
          if (payloadOf(message).note === 'poison') throw new Error('cannot digest this note');
        });
        await subscribe(bus, { group, topics: [topic], handler: received.handler });
        const { dead, payloads } = await deadLettersOf(topic);

        await bus.publish(topic, [poison, next]);

        await eventually(() => {
          expect(received.ids()).toEqual([poison.id, poison.id, poison.id, next.id]);
          expect(dead.deliveries).toHaveLength(1);
        });
        const [letter] = dead.deliveries.map(({ message }) => message);
        expect(letter).toMatchObject({
          type: deadLetterMessage.type,
          key: poison.key,
          causationId: poison.id,
          correlationId: poison.correlationId,
        });
        expect(payloads()[0]).toMatchObject({
          originalTopic: topic,
          consumerGroup: group,
          attempts: quickRetry.maxAttempts,
          reason: expect.stringContaining('cannot digest this note'),
        });
        expect(JSON.parse(payloads()[0].originalMessage)).toEqual(poison);
      });

      it('sends a message that breaks its contract to <topic>.dlq at once, without blocking', async () => {
        const topic = unique('invalid');
        const group = unique('group');
        const received = recorder();
        await subscribe(bus, { group, topics: [topic], handler: received.handler });
        const { dead, payloads } = await deadLettersOf(topic);
        const badPayload = JSON.stringify({ ...note('expediente-i', 1), payload: { seq: 'one' } });
        const notJson = '{"id": "truncated';
        const next = note('expediente-i', 2);

        await harness.injectRaw(topic, 'expediente-i', badPayload);
        await harness.injectRaw(topic, 'expediente-i', notJson);
        await bus.publish(topic, [next]);

        await eventually(() => {
          expect(received.ids()).toEqual([next.id]);
          expect(dead.deliveries).toHaveLength(2);
        });
        expect(payloads().map(({ originalMessage }) => originalMessage)).toEqual([
          badPayload,
          notJson,
        ]);
        for (const letter of payloads()) {
          expect(letter).toMatchObject({
            originalTopic: topic,
            consumerGroup: group,
            attempts: 0,
            reason: expect.stringContaining('invalid message'),
          });
        }
        expect(dead.deliveries.map(({ message }) => message.key)).toEqual([
          'expediente-i',
          'expediente-i',
        ]);
      });
    });

    it('hands a group only the types it accepts, and lets the others by unchecked', async () => {
      const topic = unique('accepts');
      const received = recorder();
      await subscribe(bus, {
        group: unique('group'),
        topics: [topic],
        handler: received.handler,
        accepts: (type) => type === noteTaken.type,
      });
      const { dead } = await deadLettersOf(topic);
      const struck = envelopes.create({
        type: noteStruck.type,
        key: 'expediente-a',
        payload: { seq: 1 },
        actor: { userId: 'contract-tester', roles: ['tester'] },
      });
      // Breaks its contract, but of a type this group does not act on: no dead letter of it.
      const broken = JSON.stringify({ ...struck, id: randomUUID(), payload: { seq: 'two' } });
      const taken = note('expediente-a', 3);

      await bus.publish(topic, [struck]);
      await harness.injectRaw(topic, 'expediente-a', broken);
      await bus.publish(topic, [taken]);

      await eventually(() => expect(received.ids()).toEqual([taken.id]));
      expect(dead.deliveries).toEqual([]);
    });

    describe('batch handler', () => {
      /** Both handlers of a consumer, recording in one list what each was handed, in turn. */
      const batchRecorder = (failBatches = false) => {
        const handled: Array<{ readonly ids: string[]; readonly at: 'batch' | 'one' }> = [];
        return {
          handled,
          handler: (async (message) => {
            handled.push({ ids: [message.id], at: 'one' });
          }) as MessageHandler,
          batchHandler: async (messages: readonly Delivery[]) => {
            if (failBatches) throw new Error('this batch cannot be taken at once');
            handled.push({ ids: messages.map(({ message }) => message.id), at: 'batch' });
          },
          ids: () => handled.flatMap(({ ids }) => ids),
        };
      };

      it('hands every message once and in order, several at once where the bus can', async () => {
        const topic = unique('batched');
        const sent = Array.from({ length: 40 }, (_, seq) => note('expediente-batch', seq));
        // Published before the group starts: there are many in hand at its first fetch.
        await bus.publish(topic, sent);
        const received = batchRecorder();
        await subscribe(bus, { group: unique('group'), topics: [topic], ...received });

        await eventually(() => expect(received.ids()).toHaveLength(sent.length));
        expect(received.ids()).toEqual(sent.map((message) => message.id));
        const batches = received.handled.filter(({ at }) => at === 'batch');
        if (harness.handsBatches) {
          expect(batches.some(({ ids }) => ids.length > 1)).toBe(true);
        } else {
          expect(batches).toEqual([]);
        }
      });

      it('gives the messages of a failing batch to the handler one by one, and dead-letters one that breaks its contract', async () => {
        const topic = unique('batch-failing');
        const sent = Array.from({ length: 10 }, (_, seq) => note('expediente-bf', seq));
        const invalid = JSON.stringify({ ...note('expediente-bf', 99), payload: { seq: 'x' } });
        await bus.publish(topic, sent.slice(0, 5));
        await harness.injectRaw(topic, 'expediente-bf', invalid);
        await bus.publish(topic, sent.slice(5));
        const { dead, payloads } = await deadLettersOf(topic);
        const received = batchRecorder(true);
        await subscribe(bus, { group: unique('group'), topics: [topic], ...received });

        await eventually(() => {
          expect(received.ids()).toEqual(sent.map((message) => message.id));
          expect(dead.deliveries).toHaveLength(1);
        });
        expect(received.handled.every(({ at }) => at === 'one')).toBe(true);
        expect(payloads()[0].originalMessage).toEqual(invalid);
      });
    });

    it('refuses to publish a batch holding an invalid envelope, and publishes none of it', async () => {
      const topic = unique('refused');
      const valid = note('expediente-x', 1);
      const unknownType = { ...note('expediente-x', 2), type: 'contract-test.never-declared' };
      const badPayload = { ...note('expediente-x', 3), payload: { seq: 3 } };

      await expect(bus.publish(topic, [valid, unknownType])).rejects.toThrow(InvalidMessageError);
      await expect(bus.publish(topic, [badPayload])).rejects.toThrow(/payload/);
      await expect(
        bus.publishAll([
          { topic, envelope: valid },
          { topic: unique('refused-too'), envelope: unknownType },
        ]),
      ).rejects.toThrow(InvalidMessageError);

      const received = recorder();
      await subscribe(bus, { group: unique('group'), topics: [topic], handler: received.handler });
      const marker = note('expediente-x', 4);
      await bus.publish(topic, [marker]);
      await eventually(() => expect(received.ids()).toEqual([marker.id]));
    });
  });
}

export type { ChildBusSpec } from './message-bus-fixtures';
