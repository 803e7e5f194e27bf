import { ObjectId } from 'mongodb';
import { MongoOutbox } from '../../src/adapters/mongodb';
import { OutboxRelay } from '../../src/adapters/shared/outbox-relay';
import { Envelope } from '../../src/messaging/envelope';
import { InvalidMessageError } from '../../src/messaging/message-registry';
import { describeWithServer, eventually } from '../../src/testing';
import { useTestDatabase } from './mongodb-test-database';
import { opened, RecordingBus, registry } from './outbox-fixtures';

describeWithServer('mongodb', 'MongoOutbox and OutboxRelay', (url) => {
  const database = useTestDatabase(url, 'outbox');
  let outbox: MongoOutbox;
  let bus: RecordingBus;
  let relay: OutboxRelay;

  const enqueue = (messages: Envelope[]) =>
    outbox.enqueue(messages.map((envelope) => ({ topic: 'expedientes.events', envelope })));
  const left = () => database.db().collection('outbox').countDocuments();

  beforeEach(async () => {
    await database.db().collection('outbox').deleteMany({});
    outbox = new MongoOutbox(database.db(), registry);
    bus = new RecordingBus();
    relay = new OutboxRelay(outbox, bus, { pollIntervalMs: 60_000, retryDelayMs: 20 });
  });

  afterEach(() => relay.stop());

  it('publishes the messages in the order they were enqueued, once, and forgets them', async () => {
    const first = [opened('exp-1', 'E-1'), opened('exp-2', 'E-2')];
    const second = [opened('exp-1', 'E-1b')];
    await enqueue(first);
    await enqueue(second);

    relay.start();

    const all = [...first, ...second];
    await eventually(() => expect(bus.ids()).toEqual(all.map((message) => message.id)));
    expect(bus.published[0]).toEqual({ topic: 'expedientes.events', message: first[0] });
    await eventually(async () => expect(await left()).toBe(0));
    relay.nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bus.published).toHaveLength(all.length);
  });

  it('keeps the messages while the broker is away, and publishes them in order when it is back', async () => {
    const messages = [opened('exp-3', 'E-3'), opened('exp-3', 'E-3b')];
    bus.failures = 3;
    relay.start();

    await enqueue(messages);
    relay.nudge();

    await eventually(() => expect(bus.ids()).toEqual(messages.map((message) => message.id)));
    await eventually(async () => expect(await left()).toBe(0));
  });

  it('relays its own messages from memory, and what another process left once it is old', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    outbox = new MongoOutbox(database.db(), registry, () => new Date(clock), { rescanMs: 1_000 });
    relay = new OutboxRelay(outbox, bus, { pollIntervalMs: 60_000, retryDelayMs: 20 });
    relay.start();
    // Once this is out, the relay's first read of the collection has happened.
    const first = opened('exp-4', 'E-4');
    await enqueue([first]);
    relay.nudge();
    await eventually(() => expect(bus.ids()).toEqual([first.id]));
    const leftBehind = opened('exp-5', 'E-5');
    await database
      .db()
      .collection('outbox')
      .insertOne({
        _id: new ObjectId(),
        topic: 'expedientes.events',
        envelope: JSON.stringify(leftBehind),
        enqueuedAt: new Date(clock),
      });
    const own = opened('exp-6', 'E-6');

    await enqueue([own]);
    relay.nudge();
    await eventually(() => expect(bus.ids()).toEqual([first.id, own.id]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bus.ids()).toEqual([first.id, own.id]);

    // Due for a read, but young: the process that stored it may still publish it.
    clock += 1_000;
    relay.nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bus.ids()).toEqual([first.id, own.id]);

    clock += 4_000;
    relay.nudge();
    await eventually(() => expect(bus.ids()).toEqual([first.id, own.id, leftBehind.id]));
    await eventually(async () => expect(await left()).toBe(0));
  });

  it('refuses a message that breaks its contract before storing anything of the change', async () => {
    const broken = { ...opened('exp-4', 'E-4'), payload: { code: 4 } };

    await expect(enqueue([opened('exp-4', 'E-4'), broken])).rejects.toThrow(InvalidMessageError);

    expect(await left()).toBe(0);
  });
});
