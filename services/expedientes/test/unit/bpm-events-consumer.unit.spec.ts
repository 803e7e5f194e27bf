import { randomUUID } from 'node:crypto';
import {
  bpm,
  ConsumerOptions,
  Envelope,
  EnvelopeFactory,
  MessageBus,
} from '@expedientes/shared-kernel';
import { ServiceMetrics } from '@expedientes/shared-kernel/adapters/runtime';
import { FollowProcess } from '../../src/application/follow-process/follow-process';
import { BpmEventsConsumer } from '../../src/infrastructure/messaging/bpm-events-consumer';
import { ActorMother, FaseMother } from '../support/mothers';

describe('BpmEventsConsumer', () => {
  const envelopes = new EnvelopeFactory(randomUUID);
  const event = (contract: typeof bpm.FaseCambiada | typeof bpm.ProcesoIniciado, payload: object) =>
    envelopes.create({
      type: contract.type,
      schemaVersion: contract.schemaVersion,
      key: 'exp-1',
      actor: ActorMother.tramitadora(),
      payload,
    });

  /** What the consumer did with `message`: what FollowProcess was asked, and each transaction. */
  async function logOf(message: Envelope): Promise<string[]> {
    const log: string[] = [];
    let subscribed: ConsumerOptions | undefined;
    const bus = {
      subscribe: async (options: ConsumerOptions) => {
        subscribed = options;
        return { stop: async () => undefined };
      },
    } as unknown as MessageBus;
    let inTransaction = false;
    const follow = {
      execute: async () => {
        log.push(inTransaction ? 'followed in a transaction' : 'followed outside one');
        return 'followed';
      },
    } as unknown as FollowProcess;
    const consumer = new BpmEventsConsumer(
      bus,
      follow,
      new ServiceMetrics('expedientes-test'),
      async (work) => {
        inTransaction = true;
        try {
          return await work();
        } finally {
          inTransaction = false;
          log.push('transaction');
        }
      },
    );
    await consumer.start();
    if (!subscribed) throw new Error('the consumer did not subscribe');
    // As the bus does: a type the group does not accept never reaches its handler.
    if (subscribed.accepts?.(message.type) === false) return ['let by'];
    await subscribed.handler(message, { topic: 'bpm.events', attempt: 1 });
    return log;
  }

  it('follows a phase change in one transaction, which its saga’s reply is serialized with', async () => {
    const cambio = event(bpm.FaseCambiada, {
      expedienteId: 'exp-1',
      desde: FaseMother.inicial(),
      hacia: FaseMother.analisis(),
      paso: 1,
    });
    expect(await logOf(cambio)).toEqual(['followed in a transaction', 'transaction']);
  });

  it('takes no transaction for an event the expediente does not follow', async () => {
    const inicio = event(bpm.ProcesoIniciado, {
      expedienteId: 'exp-1',
      procedimiento: 'LICENCIA_OBRA',
      version: 1,
      fase: FaseMother.inicial(),
    });
    expect(await logOf(inicio)).toEqual(['let by']);
  });
});
