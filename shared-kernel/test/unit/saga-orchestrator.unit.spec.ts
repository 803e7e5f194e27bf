import { EnvelopeFactory, Envelope } from '../../src/messaging/envelope';
import { InvalidMessageError } from '../../src/messaging/message-registry';
import { silentLogger } from '../../src/ports/logger';
import {
  defineSaga,
  InvalidSagaDefinitionError,
  local,
  SagaDefinition,
  SagaOrchestrator,
  SagaState,
  UnexpectedSagaReplyError,
} from '../../src/saga';
import { InMemorySagaStore, sagaScript } from '../../src/testing';
import {
  CANCEL_TIMEOUT_MS,
  codeTaken,
  ExpedienteLog,
  OpenData,
  openExpedienteSaga,
  PROCESS_TIMEOUT_MS,
} from './example-saga';

const data: OpenData = { expedienteId: 'exp-1', documents: ['solicitud.pdf', 'plano.pdf'] };

describe('a saga run by the orchestrator', () => {
  let log: ExpedienteLog;
  let saga: ReturnType<typeof openExpedienteSaga>;

  beforeEach(() => {
    log = new ExpedienteLog();
    saga = openExpedienteSaga(log);
  });

  it('does its steps in order and completes, keeping what the replies say', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments', {
        expedienteId: 'exp-1',
        documents: data.documents,
      })
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1', 'doc-2'] })
      .expectCommand('bpm.StartProcess', { expedienteId: 'exp-1', documentIds: ['doc-1', 'doc-2'] })
      .reply('bpm.ProcessStarted', { processId: 'proc-9' })
      .expectCompleted()
      .expectData({ documentIds: ['doc-1', 'doc-2'], processId: 'proc-9' })
      .expectState((state) => expect(state.failureReason).toBeNull());

    expect(log.opened).toEqual([
      {
        expedienteId: 'exp-1',
        processId: 'proc-9',
        context: expect.objectContaining({
          sagaId: 'saga-1',
          key: 'exp-1',
          actor: { userId: 'tramitadora', roles: ['tramitador'] },
          correlationId: 'correlation-1',
        }),
      },
    ]);
    expect(log.rejected).toEqual([]);
  });

  it('compensates the first step, then rejects, when the second step fails', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .reply('bpm.ProcessRefused', { reason: 'the procedure is closed' })
      .expectCommand('documents.DiscardDocuments', { documentIds: ['doc-1'] })
      .expectStatus('compensating')
      .reply('documents.DocumentsDiscarded')
      .expectCompensated('bpm refused: the procedure is closed');

    expect(log.opened).toEqual([]);
    expect(log.rejected).toEqual([
      { expedienteId: 'exp-1', reason: 'bpm refused: the procedure is closed' },
    ]);
  });

  it('undoes nothing when the first step is refused, and takes the reason from the reply', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRejected', { reason: 'a document is empty' })
      .expectCompensated('a document is empty');

    expect(log.rejected).toEqual([{ expedienteId: 'exp-1', reason: 'a document is empty' }]);
  });

  it('compensates every remote step, last first, when the local step is refused by the model', async () => {
    log.openFailures.push(codeTaken());
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .reply('bpm.ProcessStarted', { processId: 'proc-9' })
      .expectCommand('bpm.CancelProcess', { processId: 'proc-9' })
      .reply('bpm.ProcessCancelled')
      .expectCommand('documents.DiscardDocuments', { documentIds: ['doc-1'] })
      .reply('documents.DocumentsDiscarded')
      .expectCompensated('EXPEDIENTE.CODE_TAKEN: the code EXP-2030-1 is taken');

    expect(log.opened).toEqual([]);
    expect(log.rejected).toHaveLength(1);
  });

  it('fails a step whose reply is late, undoing that step too, and ignores the late reply', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .advanceTime(PROCESS_TIMEOUT_MS) // at the deadline, not past it
      .expectNoCommand()
      .advanceTime(1)
      .expectCommand('bpm.CancelProcess', { processId: null })
      .reply('bpm.ProcessStarted', { processId: 'proc-late' }, { to: 'bpm.StartProcess' })
      .expectNoCommand()
      .expectStatus('compensating')
      .reply('bpm.ProcessCancelled')
      .expectCommand('documents.DiscardDocuments')
      .reply('documents.DocumentsDiscarded')
      .expectCompensated(/no reply to bpm\.StartProcess by 2030-01-01T09:01:00\.000Z/)
      .expectState((state) => expect(state.data.processId).toBeUndefined());

    expect(log.opened).toEqual([]);
  });

  it('sends a compensation again, as a new attempt with a new id, until it is answered', async () => {
    const ids: string[] = [];
    const keepPendingId = (state: SagaState<OpenData>): number =>
      ids.push(state.pending?.envelope.id ?? '');
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .reply('bpm.ProcessRefused', { reason: 'closed' })
      .expectCommand('documents.DiscardDocuments')
      .expectState(keepPendingId)
      .advanceTime(CANCEL_TIMEOUT_MS + 1)
      .expectCommand('documents.DiscardDocuments', { documentIds: ['doc-1'] })
      .expectState((state) => expect(state.pending?.attempt).toBe(2))
      .expectState(keepPendingId)
      .reply('documents.DocumentsDiscarded')
      .expectCompensated('closed');

    // A participant that handled the first attempt (and whose reply was lost) answers the second.
    expect(new Set(ids).size).toBe(2);
  });

  it('ends failed, after the other compensations and onFailed, when a participant refuses to undo', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .reply('bpm.ProcessRefused', { reason: 'closed' })
      .expectCommand('documents.DiscardDocuments')
      .reply('documents.DiscardRefused', { reason: 'doc-1 is signed' })
      .expectFailed('closed')
      .expectState((state) =>
        expect(state.compensationFailures).toEqual(['registerDocuments: doc-1 is signed']),
      );

    expect(log.rejected).toHaveLength(1);
  });

  it('re-sends on a redelivered reply and ignores a second reply to an answered command', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .replyAgain()
      .expectCommandResent()
      .reply(
        'documents.DocumentsRegistered',
        { documentIds: ['other'] },
        { to: 'documents.RegisterDocuments' },
      )
      .expectNoCommand()
      .expectState((state) => expect(state).toMatchObject({ version: 1, currentStep: 1 }))
      .expectData({ documentIds: ['doc-1'] })
      .reply('bpm.ProcessStarted', { processId: 'proc-9' }, { to: 'bpm.StartProcess' })
      .expectCompleted()
      .replyAgain()
      .expectNoCommand();

    expect(log.opened).toHaveLength(1);
  });

  it('after a restart in the middle, sends the pending command again with the same id', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectCommand('bpm.StartProcess')
      .restart()
      .expectCommandResent()
      .reply('bpm.ProcessStarted', { processId: 'proc-9' })
      .expectCompleted();

    expect(log.opened).toHaveLength(1);
  });

  it('finishes after a crash between saving a transition and publishing its command', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .crashBeforeNextPublish()
      .reply('documents.DocumentsRegistered', { documentIds: ['doc-1'] })
      .expectNoCommand()
      .expectState((state) => expect(state.pending?.envelope.type).toBe('bpm.StartProcess'))
      .restart()
      .expectCommand('bpm.StartProcess', { documentIds: ['doc-1'] })
      .reply('bpm.ProcessStarted', { processId: 'proc-9' })
      .expectCompleted();
  });

  it('finishes after a crash right after start, and still times out the first step after it', async () => {
    await sagaScript(saga)
      .crashBeforeNextPublish()
      .start(data)
      .expectNoCommand()
      .restart()
      .expectCommand('documents.RegisterDocuments')
      .advanceTime(PROCESS_TIMEOUT_MS)
      .expectCommand('documents.DiscardDocuments', { documentIds: [] })
      .reply('documents.DocumentsDiscarded')
      .expectCompensated(/no reply to documents\.RegisterDocuments/);
  });
});

describe('the orchestrator, driven directly', () => {
  const T0 = new Date('2030-01-01T09:00:00.000Z');
  let log: ExpedienteLog;
  let store: InMemorySagaStore;
  let published: Envelope[];
  let logged: string[];
  let failPublishes: number;
  let now: Date;
  let nextId: number;

  const newId = (): string => `id-${++nextId}`;
  const clock = (): Date => now;
  const envelopes = new EnvelopeFactory(newId, clock);
  const orchestrator = (
    definitions: SagaDefinition<unknown>[] = [openExpedienteSaga(log)],
    onCommitted?: (saga: SagaState) => void,
  ): SagaOrchestrator =>
    new SagaOrchestrator({
      definitions,
      onCommitted,
      store,
      envelopes,
      newId,
      clock,
      logger: { ...silentLogger, error: (...line: unknown[]) => logged.push(JSON.stringify(line)) },
      publisher: {
        publish: async (_topic, messages) => {
          if (failPublishes-- > 0) throw new Error('broker unavailable');
          published.push(...messages);
        },
      },
    });
  const replyTo = (command: Envelope, type: string, payload: Record<string, unknown>): Envelope =>
    envelopes.create({ type, key: command.key, actor: command.actor, causedBy: command, payload });
  const start = (sagas: SagaOrchestrator): Promise<SagaState<OpenData>> =>
    sagas.start(openExpedienteSaga(log), {
      data,
      actor: { userId: 'ana', roles: ['tramitador'] },
      causedBy: { id: 'request-1', correlationId: 'correlation-1' },
    });

  beforeEach(() => {
    log = new ExpedienteLog();
    store = new InMemorySagaStore();
    published = [];
    logged = [];
    failPublishes = 0;
    now = T0;
    nextId = 0;
  });

  it('lists the reply topics of its participants', () => {
    expect([...orchestrator().replyTopics].sort()).toEqual(['bpm.replies', 'documents.replies']);
  });

  it('publishes a command caused by what moved the saga, in the correlation of its start', async () => {
    const sagas = orchestrator();
    const started = await start(sagas);
    const register = published[0];
    expect(register).toMatchObject({
      key: 'exp-1',
      causationId: 'request-1',
      correlationId: 'correlation-1',
      payload: { sagaId: started.sagaId },
    });
    const reply = replyTo(register, 'documents.DocumentsRegistered', {
      sagaId: started.sagaId,
      documentIds: [],
    });
    await expect(sagas.handleReply(reply)).resolves.toBe('handled');
    expect(published[1]).toMatchObject({
      type: 'bpm.StartProcess',
      causationId: reply.id,
      correlationId: 'correlation-1',
    });
  });

  it('tells onCommitted of the saga as stored after each commit, the end included', async () => {
    const told: SagaState[] = [];
    const sagas = orchestrator([openExpedienteSaga(log)], (saga) => told.push(saga));
    const started = await start(sagas);
    const stored = async (): Promise<SagaState | null> => store.load(started.sagaId);
    expect(told).toEqual([await stored()]);

    const registered = replyTo(published[0], 'documents.DocumentsRegistered', {
      sagaId: started.sagaId,
      documentIds: ['doc-1'],
    });
    await sagas.handleReply(registered);
    expect(told[1]).toEqual(await stored());
    expect(told[1]).toMatchObject({ status: 'running', currentStep: 1 });

    await sagas.handleReply(
      replyTo(published[1], 'bpm.ProcessStarted', { sagaId: started.sagaId, processId: 'p-1' }),
    );
    expect(told).toHaveLength(3);
    expect(told[2]).toEqual(await stored());
    expect(told[2].status).toBe('completed');

    await sagas.handleReply(registered); // a redelivery, ignored: nothing committed
    expect(told).toHaveLength(3);
  });

  it('re-publishes what a redelivered reply caused when publishing failed the first time', async () => {
    const sagas = orchestrator();
    const { sagaId } = await start(sagas);
    const reply = replyTo(published[0], 'documents.DocumentsRegistered', {
      sagaId,
      documentIds: ['d'],
    });
    failPublishes = 1;
    await expect(sagas.handleReply(reply)).rejects.toThrow('broker unavailable');
    expect(published).toHaveLength(1);

    await expect(sagas.handleReply(reply)).resolves.toBe('resumed');
    const saved = await store.load(sagaId);
    expect(published.map((each) => each.type)).toEqual([
      'documents.RegisterDocuments',
      'bpm.StartProcess',
    ]);
    expect(published[1]).toEqual(saved?.pending?.envelope);
  });

  it('sends a command it could not publish again at the next check, with its saved id', async () => {
    const sagas = orchestrator();
    failPublishes = 2;
    await expect(start(sagas)).rejects.toThrow('broker unavailable');
    const [stored] = await store.findActive();
    expect(stored.pending).not.toBeNull();
    expect(published).toHaveLength(0);

    await sagas.checkTimeouts(); // the broker still down: kept for the next check
    expect(published).toHaveLength(0);
    await sagas.checkTimeouts();
    expect(published).toEqual([stored.pending?.envelope]);
    await sagas.checkTimeouts(); // sent: not again
    expect(published).toHaveLength(1);
    expect((await store.load(stored.sagaId))?.status).toBe('running');
  });

  it('saves the saga at a local step before running it, so a failed run is tried again on resume', async () => {
    const sagas = orchestrator();
    const { sagaId } = await start(sagas);
    await sagas.handleReply(
      replyTo(published[0], 'documents.DocumentsRegistered', { sagaId, documentIds: [] }),
    );
    log.openFailures.push(new Error('event store unavailable'));
    await expect(
      sagas.handleReply(replyTo(published[1], 'bpm.ProcessStarted', { sagaId, processId: 'p' })),
    ).rejects.toThrow('event store unavailable');
    await expect(store.load(sagaId)).resolves.toMatchObject({
      status: 'running',
      currentStep: 2,
      pending: null,
    });

    await expect(orchestrator().resume()).resolves.toBe(1);
    await expect(store.load(sagaId)).resolves.toMatchObject({ status: 'completed' });
    expect(log.opened).toHaveLength(1);
  });

  it('with a store that commits as one, writes a saga once per commit, where it ends up', async () => {
    const writes: string[] = [];
    const atomic = Object.assign(store, {
      atomically: <T>(work: () => Promise<T>): Promise<T> => work(),
    });
    const create = atomic.create.bind(atomic);
    const save = atomic.save.bind(atomic);
    atomic.create = (state) => (writes.push(`create ${state.version}`), create(state));
    atomic.save = (state, expected) => (writes.push(`save ${expected}`), save(state, expected));
    const sagas = orchestrator();
    const { sagaId } = await start(sagas);
    await sagas.handleReply(
      replyTo(published[0], 'documents.DocumentsRegistered', { sagaId, documentIds: [] }),
    );
    // The reply, the local step it leads to and the end: one write, over the version read.
    const started = replyTo(published[1], 'bpm.ProcessStarted', { sagaId, processId: 'p' });
    log.openFailures.push(new Error('event store unavailable'));
    await expect(sagas.handleReply(started)).rejects.toThrow('event store unavailable');
    expect(writes).toEqual(['create 0', 'save 0']);
    await expect(store.load(sagaId)).resolves.toMatchObject({ version: 1, currentStep: 1 });

    await expect(sagas.handleReply(started)).resolves.toBe('handled');
    expect(writes).toEqual(['create 0', 'save 0', 'save 1']);
    await expect(store.load(sagaId)).resolves.toMatchObject({ status: 'completed', version: 2 });
    expect(log.opened).toHaveLength(1);
  });

  it('refuses a reply to the pending command that its step does not declare', async () => {
    const sagas = orchestrator();
    const { sagaId } = await start(sagas);
    const stray = replyTo(published[0], 'bpm.ProcessStarted', { sagaId, processId: 'p' });
    await expect(sagas.handleReply(stray)).rejects.toBeInstanceOf(UnexpectedSagaReplyError);
  });

  it('ignores replies for sagas it does not know and refuses replies without a saga id', async () => {
    const sagas = orchestrator();
    await start(sagas);
    const unknown = replyTo(published[0], 'documents.DocumentsRegistered', {
      sagaId: 'nope',
      documentIds: [],
    });
    await expect(sagas.handleReply(unknown)).resolves.toBe('ignored');
    const anonymous = replyTo(published[0], 'documents.DocumentsRegistered', { documentIds: [] });
    await expect(sagas.handleReply(anonymous)).rejects.toBeInstanceOf(InvalidMessageError);
  });

  it('lets only one of two processes move a saga on with the same reply', async () => {
    const { sagaId } = await start(orchestrator());
    const reply = replyTo(published[0], 'documents.DocumentsRegistered', {
      sagaId,
      documentIds: [],
    });
    const results = await Promise.allSettled([
      orchestrator().handleReply(reply),
      orchestrator().handleReply(reply),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    await expect(store.load(sagaId)).resolves.toMatchObject({ version: 1, currentStep: 1 });
    expect(published.filter((each) => each.type === 'bpm.StartProcess')).toHaveLength(1);
  });

  it('lets only one of two processes time a saga out', async () => {
    const { sagaId } = await start(orchestrator());
    await orchestrator().handleReply(
      replyTo(published[0], 'documents.DocumentsRegistered', { sagaId, documentIds: ['doc-1'] }),
    );
    const late = new Date('2031-01-01T00:00:00Z');

    await Promise.allSettled([
      orchestrator().checkTimeouts(late),
      orchestrator().checkTimeouts(late),
    ]);

    await expect(store.load(sagaId)).resolves.toMatchObject({ status: 'compensating' });
    // The late step is undone first, once.
    expect(published.filter((each) => each.type === 'bpm.CancelProcess')).toHaveLength(1);
  });

  it('leaves alone the sagas of types it does not run, which share its store', async () => {
    const { sagaId } = await start(orchestrator());
    const other = defineSaga({
      type: 'test.Other',
      key: () => 'k',
      steps: [{ name: 'noop', action: local(async () => undefined) }],
    });
    const others = orchestrator([other]);
    await expect(others.resume()).resolves.toBe(0);
    await expect(others.checkTimeouts(new Date('2031-01-01T00:00:00Z'))).resolves.toBe(0);
    const reply = replyTo(published[0], 'documents.DocumentsRegistered', {
      sagaId,
      documentIds: [],
    });
    await expect(others.handleReply(reply)).resolves.toBe('ignored');
    await expect(store.load(sagaId)).resolves.toMatchObject({ version: 0, currentStep: 0 });
  });

  it('checks the deadlines on a timer, logging a failed check and going on, until stopped', async () => {
    const sagas = orchestrator();
    const { sagaId } = await start(sagas);
    const until = async (done: () => Promise<boolean>): Promise<void> => {
      for (let waited = 0; waited < 2_000 && !(await done()); waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    sagas.startTimeoutChecks(5);
    try {
      failPublishes = 1;
      now = new Date(T0.getTime() + PROCESS_TIMEOUT_MS);
      await until(async () => logged.length > 0);
      // Saved, not published: the compensation is sent again at the next check...
      await until(async () => published.length > 1);
      // ...and as a new attempt once its own deadline has passed unanswered.
      now = new Date(now.getTime() + CANCEL_TIMEOUT_MS + 1);
      await until(async () => published.length > 2);
    } finally {
      await sagas.stopTimeoutChecks();
    }
    expect(logged).toEqual([expect.stringContaining('broker unavailable')]);
    expect(published.map((each) => each.type)).toEqual([
      'documents.RegisterDocuments',
      'documents.DiscardDocuments',
      'documents.DiscardDocuments',
    ]);
    expect(published[2].id).not.toBe(published[1].id);
    await expect(store.load(sagaId)).resolves.toMatchObject({
      status: 'compensating',
      pending: { attempt: 2 },
    });
  });
});

describe('a saga definition', () => {
  it('needs steps with distinct names', () => {
    const step = { name: 'same', action: local<unknown>(async () => undefined) };
    expect(() => defineSaga({ type: 'test.Empty', key: () => 'k', steps: [] })).toThrow(
      InvalidSagaDefinitionError,
    );
    expect(() => defineSaga({ type: 'test.Twice', key: () => 'k', steps: [step, step] })).toThrow(
      /repeats a step name/,
    );
  });
});

describe('a saga script', () => {
  const saga = openExpedienteSaga(new ExpedienteLog());

  it('fails on a command other than the one expected', async () => {
    await expect(sagaScript(saga).start(data).expectCommand('bpm.StartProcess')).rejects.toThrow(
      /step 2 \(expectCommand bpm\.StartProcess\)/,
    );
  });

  it('fails when the saga sends a command the script does not expect', async () => {
    await expect(sagaScript(saga).start(data)).rejects.toThrow(
      /commands the script does not expect: documents\.RegisterDocuments/,
    );
  });

  it('fails on a reply that breaks its contract', async () => {
    await expect(
      sagaScript(saga)
        .start(data)
        .expectCommand('documents.RegisterDocuments')
        .reply('documents.DocumentsRegistered', { documentIds: 'not a list' }),
    ).rejects.toThrow(/documentIds/);
  });
});

describe('the steps of a saga', () => {
  it('each runs through runStep (a trace span), named by the saga and the step', async () => {
    const names: string[] = [];
    let ids = 0;
    const definition = openExpedienteSaga(new ExpedienteLog());
    const orchestrator = new SagaOrchestrator({
      definitions: [definition],
      store: new InMemorySagaStore(),
      publisher: { publish: async () => undefined },
      envelopes: new EnvelopeFactory(() => `envelope-${++ids}`),
      newId: () => `saga-${++ids}`,
      clock: () => new Date('2025-01-01T00:00:00Z'),
      runStep: async (name, attributes, work) => {
        names.push(`${name} (${attributes['saga.status']})`);
        return work();
      },
    });

    await orchestrator.start(definition, {
      data,
      actor: { userId: 'tramitadora', roles: ['tramitador'] },
      causedBy: { id: 'request-1', correlationId: 'correlation-1' },
    });

    expect(names).toEqual(['saga test.OpenExpediente registerDocuments (running)']);
  });
});
