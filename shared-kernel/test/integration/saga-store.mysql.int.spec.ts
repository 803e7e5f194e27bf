import { randomUUID } from 'node:crypto';
import { MysqlDatabase, SqlSagaStore } from '../../src/adapters/sql';
import { Envelope, EnvelopeFactory } from '../../src/messaging/envelope';
import { SagaOrchestrator } from '../../src/saga';
import {
  describeWithServer,
  sagaStoreContract,
  TemporaryDatabase,
  temporaryMysql,
} from '../../src/testing';
import { ExpedienteLog, openExpedienteSaga } from '../unit/example-saga';

describeWithServer('mysql', 'SqlSagaStore on MySQL/MariaDB', (url) => {
  let temp: TemporaryDatabase<MysqlDatabase>;

  // A database of this suite's own, dropped at the end.
  beforeAll(async () => {
    temp = await temporaryMysql(url());
  });
  afterAll(() => temp?.dispose());

  sagaStoreContract('SqlSagaStore on MySQL/MariaDB', async () => {
    const store = new SqlSagaStore(temp.reopen());
    await store.migrate();
    return store;
  });

  it('has a saga saved at its local step before the step runs: MySQL commits each apart', async () => {
    const store = new SqlSagaStore(temp.reopen());
    await store.migrate();
    const log = new ExpedienteLog();
    const published: Envelope[] = [];
    const envelopes = new EnvelopeFactory(randomUUID, () => new Date());
    const sagas = new SagaOrchestrator({
      definitions: [openExpedienteSaga(log)],
      store,
      envelopes,
      newId: randomUUID,
      clock: () => new Date(),
      publisher: { publish: async (_topic, messages) => void published.push(...messages) },
    });
    const { sagaId } = await sagas.start(openExpedienteSaga(log), {
      data: { expedienteId: 'exp-mysql', documents: ['a.pdf'] },
      actor: { userId: 'ana', roles: ['tramitador'] },
      causedBy: { id: 'request-1', correlationId: 'correlation-1' },
    });
    const replyTo = (command: Envelope, type: string, payload: Record<string, unknown>) =>
      envelopes.create({
        type,
        key: command.key,
        actor: command.actor,
        causedBy: command,
        payload: { sagaId, ...payload },
      });
    await sagas.handleReply(
      replyTo(published[0], 'documents.DocumentsRegistered', { documentIds: [] }),
    );

    // The local step's own writes would be committed already: the saga stands at that step.
    log.openFailures.push(new Error('event store unavailable'));
    await expect(
      sagas.handleReply(replyTo(published[1], 'bpm.ProcessStarted', { processId: 'p' })),
    ).rejects.toThrow('event store unavailable');
    await expect(store.load(sagaId)).resolves.toMatchObject({
      status: 'running',
      currentStep: 2,
      pending: null,
    });
  });
});
