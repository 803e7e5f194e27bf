import { randomUUID } from 'node:crypto';
import {
  documents,
  Envelope,
  EnvelopeFactory,
  expedientes,
  MessageBus,
  publishedLanguage,
  silentLogger,
  topics,
} from '@expedientes/shared-kernel';
import { EmbeddedMessageBus } from '@expedientes/shared-kernel/adapters/embedded';
import { KafkaMessageBus } from '@expedientes/shared-kernel/adapters/kafka';
import { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  describeWithServerAs,
  kafkaSecurity,
  temporarySqlite,
} from '@expedientes/shared-kernel/testing';
import {
  BusExpedienteChanges,
  cambioOf,
  liveUpdatesGroup,
} from '../../src/adapters/messaging/bus-expediente-changes';
import { CambioDeExpediente } from '../../src/model/cambio-de-expediente';

const envelopes = new EnvelopeFactory(randomUUID);
const actor = { userId: 'ana.tramitadora', roles: ['tramitador'] };
const EXPEDIENTES_EVENTS = topics.events('expedientes');

/** `expedientes.expediente.descripcion-editada` of `expedienteId` at `version`. */
const descripcionEditada = (expedienteId: string, version?: number): Envelope =>
  envelopes.create({
    type: expedientes.DescripcionEditada.type,
    key: expedienteId,
    actor,
    payload: {
      expedienteId,
      descripcion: `v${version}`,
      ...(version === undefined ? {} : { version }),
    },
  });

/** What the listeners of `changes` heard, in order. */
const heard = (changes: BusExpedienteChanges): CambioDeExpediente[] => {
  const all: CambioDeExpediente[] = [];
  changes.subscribe((cambio) => all.push(cambio));
  return all;
};

const eventually = async <T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resume) => setTimeout(resume, 25));
  }
};

const pause = (ms: number) => new Promise((resume) => setTimeout(resume, ms));

describe('What a bus message says changed', () => {
  it('is the expediente, its version and the event’s own name', () => {
    expect(cambioOf(descripcionEditada('exp-1', 3))).toEqual({
      expedienteId: 'exp-1',
      version: 3,
      tipo: 'descripcion-editada',
    });
  });

  it('is version 0 for an event from before events carried it', () => {
    expect(cambioOf(descripcionEditada('exp-1'))).toMatchObject({ version: 0 });
  });

  it('is nothing for a message that is not an expediente’s event', () => {
    const liberado = envelopes.create({
      type: documents.DocumentoLiberado.type,
      key: 'doc-1',
      actor,
      payload: { documentId: 'doc-1', expedienteId: 'exp-1' },
    });
    expect(cambioOf(liberado)).toBeNull();
  });
});

describe('BusExpedienteChanges on the embedded bus (SQLite)', () => {
  let temp: ReturnType<typeof temporarySqlite>;
  let bus: MessageBus;
  const group = liveUpdatesGroup('embedded');

  beforeEach(async () => {
    temp = temporarySqlite();
    bus = await EmbeddedMessageBus.open(temp.db, {
      registry: publishedLanguage(),
      pollIntervalMs: 50,
    });
  });

  afterEach(async () => {
    await bus.close();
    await temp.dispose();
  });

  const rowsOf = (db: SqliteDatabase, sql: string) => db.query<Record<string, unknown>>(sql);

  it('tells its listeners of what is published after it starts, not before', async () => {
    await bus.publish(EXPEDIENTES_EVENTS, [descripcionEditada('antes', 1)]);
    const changes = new BusExpedienteChanges(bus, group, silentLogger);
    const all = heard(changes);
    await changes.start();
    await bus.publish(EXPEDIENTES_EVENTS, [
      descripcionEditada('exp-1', 1),
      descripcionEditada('exp-1', 2),
    ]);

    await eventually(() => all.length === 2, 'both changes heard');
    await pause(200);
    expect(all).toEqual([
      { expedienteId: 'exp-1', version: 1, tipo: 'descripcion-editada' },
      { expedienteId: 'exp-1', version: 2, tipo: 'descripcion-editada' },
    ]);
    await changes.stop();
  });

  it('keeps one position however often the gateway restarts, and replays no history', async () => {
    await bus.publish(EXPEDIENTES_EVENTS, [descripcionEditada('historia', 1)]);
    const everything: CambioDeExpediente[] = [];
    for (let start = 1; start <= 3; start += 1) {
      const changes = new BusExpedienteChanges(bus, group, silentLogger);
      changes.subscribe((cambio) => everything.push(cambio));
      await changes.start();
      await bus.publish(EXPEDIENTES_EVENTS, [descripcionEditada('exp-2', start)]);
      await eventually(() => everything.length === start, `the change of start ${start}`);
      await changes.stop();
    }
    expect(everything.map((cambio) => cambio.version)).toEqual([1, 2, 3]);
    expect(everything.map((cambio) => cambio.expedienteId)).not.toContain('historia');
    const positions = await rowsOf(
      temp.db,
      `SELECT group_name, topic FROM bus_group_positions WHERE group_name LIKE 'gateway%'`,
    );
    expect(positions).toEqual([{ group_name: group, topic: EXPEDIENTES_EVENTS }]);
  });

  it('goes on past a listener that throws: the others hear it, nothing is dead-lettered', async () => {
    const changes = new BusExpedienteChanges(bus, group, silentLogger);
    changes.subscribe(() => {
      throw new Error('a broken stream');
    });
    const all = heard(changes);
    await changes.start();
    await bus.publish(EXPEDIENTES_EVENTS, [
      descripcionEditada('exp-3', 1),
      descripcionEditada('exp-3', 2),
    ]);

    await eventually(() => all.length === 2, 'both changes heard');
    await changes.stop();
    const deadLetters = await rowsOf(
      temp.db,
      `SELECT sequence FROM bus_messages WHERE topic = '${topics.deadLetter(EXPEDIENTES_EVENTS)}'`,
    );
    expect(deadLetters).toEqual([]);
    const [position] = await rowsOf(
      temp.db,
      `SELECT position FROM bus_group_positions WHERE group_name = '${group}'`,
    );
    const [last] = await rowsOf(temp.db, 'SELECT MAX(sequence) AS sequence FROM bus_messages');
    expect(Number(position.position)).toBe(Number(last.sequence));
  });

  it('tells a listener nothing more once it unsubscribes', async () => {
    const changes = new BusExpedienteChanges(bus, group, silentLogger);
    const mine: CambioDeExpediente[] = [];
    const unsubscribe = changes.subscribe((cambio) => mine.push(cambio));
    const all = heard(changes);
    await changes.start();
    await bus.publish(EXPEDIENTES_EVENTS, [descripcionEditada('exp-4', 1)]);
    await eventually(() => all.length === 1, 'the first change');
    unsubscribe();
    await bus.publish(EXPEDIENTES_EVENTS, [descripcionEditada('exp-4', 2)]);
    await eventually(() => all.length === 2, 'the second change');
    expect(mine.map((cambio) => cambio.version)).toEqual([1]);
    await changes.stop();
  });
});

describeWithServerAs('kafka', 'gateway', 'BusExpedienteChanges on Kafka', (url) => {
  const buses: KafkaMessageBus[] = [];
  // The gateway as its own Kafka user (it may read expedientes.events only), the events
  // published as expedientes' own.
  const open = (account: 'gateway' | 'expedientes' = 'gateway') => {
    const bus = new KafkaMessageBus({
      brokers: url().split(','),
      ...kafkaSecurity(account),
      clientId: `gateway-live-test-${account}`,
      registry: publishedLanguage(),
      groupTiming: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 200 },
    });
    buses.push(bus);
    return bus;
  };

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it('tells every gateway instance (a group each) of every change, from when it starts', async () => {
    const publisher = open('expedientes');
    const expedienteId = `exp-${randomUUID()}`;
    await publisher.publish(EXPEDIENTES_EVENTS, [descripcionEditada(expedienteId, 0)]);
    const instances = [0, 1].map(
      (instance) =>
        new BusExpedienteChanges(
          open(),
          `${liveUpdatesGroup('distributed')}-${instance}-${randomUUID().slice(0, 8)}`,
          silentLogger,
        ),
    );
    const heardBy = instances.map((changes) =>
      (() => {
        const all = heard(changes);
        return () => all.filter((cambio) => cambio.expedienteId === expedienteId);
      })(),
    );
    await Promise.all(instances.map((changes) => changes.start()));

    // A new group starts at the end once its partitions are assigned: publish until both hear.
    let version = 1;
    await eventually(
      () => {
        void publisher.publish(EXPEDIENTES_EVENTS, [descripcionEditada(expedienteId, version++)]);
        return heardBy.every((mine) => mine().length > 0);
      },
      'both instances hear a change',
      30_000,
    );
    for (const mine of heardBy) {
      expect(mine()[0]).toMatchObject({ expedienteId, tipo: 'descripcion-editada' });
      expect(mine().map((cambio) => cambio.version)).not.toContain(0);
    }
    await Promise.all(instances.map((changes) => changes.stop()));
  }, 60_000);
});
