import { sinFestivos } from '../support/plazos';
import {
  Envelope,
  EnvelopeFactory,
  OutgoingMessage,
  publishedLanguage,
} from '@expedientes/shared-kernel';
import { BpmMessages } from '../../src/application/bpm-messages';
import { CancelProcessHandler } from '../../src/application/cancel-process/cancel-process-handler';
import { RequestTransitionHandler } from '../../src/application/request-transition/request-transition-handler';
import { StartProcessHandler } from '../../src/application/start-process/start-process-handler';
import { CatalogoDeProcedimientos } from '../../src/domain/catalogo-de-procedimientos';
import { CommandMother } from '../support/command-mother';
import { InMemoryBpmStore } from '../support/in-memory-bpm-store';
import { fases, ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

const registry = publishedLanguage();
const now = new Date('2025-03-01T10:00:00.000Z');

const setup = ({
  catalogo = new CatalogoDeProcedimientos([ProcedimientoMother.estandar()]),
  store = new InMemoryBpmStore(),
} = {}) => {
  let sequence = 0;
  const messages = new BpmMessages(new EnvelopeFactory(() => `sent-${(sequence += 1)}`));
  const clock = () => now;
  return {
    store,
    start: new StartProcessHandler(store, catalogo, messages, clock, sinFestivos),
    transition: new RequestTransitionHandler(store, messages, clock, sinFestivos),
    cancel: new CancelProcessHandler(store, messages, clock),
    /** What was sent since the last call, each checked against the published language. */
    sent: (): OutgoingMessage[] => {
      const sent = store.takeSent();
      for (const { envelope } of sent) registry.assertValid(envelope);
      return sent;
    },
  };
};

const summary = (sent: readonly OutgoingMessage[]) =>
  sent.map(({ topic, envelope }) => ({ topic, type: envelope.type, payload: envelope.payload }));

/** A reply answers its command: same key and actor, caused by it, in its correlation. */
const expectAnswers = (reply: Envelope, command: Envelope): void => {
  expect(reply).toMatchObject({
    key: command.key,
    actor: command.actor,
    causationId: command.id,
    correlationId: command.correlationId,
  });
};

describe('StartProcess', () => {
  it('starts the process in the initial phase and answers the saga', async () => {
    const { start, sent, store } = setup();
    const command = CommandMother.startProcess('exp-1', { sagaId: 'saga-9' });

    await expect(start.handle(command)).resolves.toBe(true);

    const messages = sent();
    expect(summary(messages)).toEqual([
      {
        topic: 'bpm.events',
        type: 'bpm.proceso.iniciado',
        payload: {
          expedienteId: 'exp-1',
          procedimiento: 'estandar',
          version: 1,
          fase: fases.INICIAL,
          vencimiento: null,
        },
      },
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessStarted',
        payload: {
          sagaId: 'saga-9',
          expedienteId: 'exp-1',
          procedimiento: 'estandar',
          version: 1,
          fase: fases.INICIAL,
          vencimiento: null,
        },
      },
    ]);
    messages.forEach(({ envelope }) => expectAnswers(envelope, command));
    const proceso = await store.procesos.findByExpediente('exp-1');
    expect(proceso?.historial).toEqual([
      {
        fase: fases.INICIAL,
        entradaAt: now,
        entradaPor: 'ana.tramitadora',
        vencimiento: null,
        salidaAt: null,
        salidaPor: null,
      },
    ]);
  });

  it('has no second effect when the same command comes again', async () => {
    const { start, sent, store } = setup();
    const command = CommandMother.startProcess('exp-1');
    await start.handle(command);
    sent();
    const stored = store.procesos.stored.get('exp-1');

    await expect(start.handle(command)).resolves.toBe(false);

    expect(sent()).toEqual([]);
    expect(store.procesos.stored.get('exp-1')).toBe(stored);
  });

  it('answers the same saga again, with no new event, when it asks anew', async () => {
    const { start, transition, sent } = setup();
    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-1' }));
    await transition.handle(CommandMother.requestTransition('exp-1', 'ANALISIS_TECNICO'));
    sent();

    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-1' }));

    expect(summary(sent())).toEqual([
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessStarted',
        payload: expect.objectContaining({ sagaId: 'saga-1', fase: fases.INICIAL }),
      },
    ]);
  });

  it('refuses another saga a process the expediente has already', async () => {
    const { start, sent, store } = setup();
    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-1' }));
    sent();
    const stored = store.procesos.stored.get('exp-1');

    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-2' }));

    expect(summary(sent())).toEqual([
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessStartFailed',
        payload: {
          sagaId: 'saga-2',
          code: 'BPM.PROCESS_ALREADY_STARTED',
          reason: 'El expediente exp-1 ya tiene un proceso iniciado',
        },
      },
    ]);
    expect(store.procesos.stored.get('exp-1')).toBe(stored);
  });

  it('fails, starting nothing, for a procedure it does not know', async () => {
    const { start, sent, store } = setup();

    await start.handle(CommandMother.startProcess('exp-1', { procedimiento: 'urgente' }));

    expect(summary(sent())).toEqual([
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessStartFailed',
        payload: {
          sagaId: 'saga-open',
          code: 'BPM.PROCEDURE_NOT_FOUND',
          reason: 'No existe el procedimiento urgente',
        },
      },
    ]);
    expect(store.procesos.stored.size).toBe(0);
  });

  it('starts new processes on the newest version and leaves running ones on theirs', async () => {
    const store = new InMemoryBpmStore();
    const before = setup({ store });
    await before.start.handle(CommandMother.startProcess('exp-v1'));
    // The service restarts with version 2 of the procedure beside version 1.
    const after = setup({
      store,
      catalogo: new CatalogoDeProcedimientos([
        ProcedimientoMother.estandar(),
        ProcedimientoMother.estandarV2(),
      ]),
    });
    await after.start.handle(CommandMother.startProcess('exp-v2'));
    expect(after.sent().map(({ envelope }) => envelope.payload)).toContainEqual(
      expect.objectContaining({ expedienteId: 'exp-v2', version: 2 }),
    );
    for (const expedienteId of ['exp-v1', 'exp-v2']) {
      await after.transition.handle(
        CommandMother.requestTransition(expedienteId, 'ANALISIS_TECNICO'),
      );
      await after.transition.handle(CommandMother.requestTransition(expedienteId, 'VALIDACION'));
    }
    after.sent();

    // Version 2 lets a tramitador finish a validation; version 1 does not.
    await after.transition.handle(CommandMother.requestTransition('exp-v1', 'FINALIZADO'));
    await after.transition.handle(CommandMother.requestTransition('exp-v2', 'FINALIZADO'));

    expect(after.sent().map(({ envelope }) => [envelope.key, envelope.type])).toEqual([
      ['exp-v1', 'bpm.TransitionRefused'],
      ['exp-v2', 'bpm.fase.cambiada'],
      ['exp-v2', 'bpm.TransitionRecorded'],
    ]);
  });
});

describe('RequestTransition', () => {
  const started = async () => {
    const handlers = setup();
    await handlers.start.handle(CommandMother.startProcess('exp-1'));
    handlers.sent();
    return handlers;
  };

  it('records an allowed transition and answers with the phases', async () => {
    const { transition, sent, store } = await started();
    const command = CommandMother.requestTransition('exp-1', 'ANALISIS_TECNICO', {
      sagaId: 'saga-advance-1',
    });

    await expect(transition.handle(command)).resolves.toBe(true);

    const messages = sent();
    expect(summary(messages)).toEqual([
      {
        topic: 'bpm.events',
        type: 'bpm.fase.cambiada',
        payload: {
          expedienteId: 'exp-1',
          desde: fases.INICIAL,
          hacia: fases.ANALISIS_TECNICO,
          paso: 1,
          vencimiento: null,
        },
      },
      {
        topic: 'bpm.replies',
        type: 'bpm.TransitionRecorded',
        payload: {
          sagaId: 'saga-advance-1',
          expedienteId: 'exp-1',
          desde: fases.INICIAL,
          hacia: fases.ANALISIS_TECNICO,
          paso: 1,
          vencimiento: null,
        },
      },
    ]);
    messages.forEach(({ envelope }) => expectAnswers(envelope, command));
    expect((await store.procesos.findByExpediente('exp-1'))?.faseActual).toEqual(
      fases.ANALISIS_TECNICO,
    );
  });

  it.each([
    [
      'for a role that may not take it',
      'ANALISIS_TECNICO',
      usuarios.validador,
      'BPM.ROLE_NOT_ALLOWED',
      'Solo un tramitador puede pasar de Fase inicial a Fase de análisis técnico',
    ],
    [
      'not allowed from the current phase',
      'VALIDACION',
      usuarios.admin,
      'BPM.TRANSITION_NOT_ALLOWED',
      'No se puede pasar de Fase inicial a Fase de validación: desde Fase inicial solo se puede pasar a Fase de análisis técnico',
    ],
  ])(
    'refuses a transition %s, telling why and changing nothing',
    async (_case, hacia, actor, code, reason) => {
      const { transition, sent, store } = await started();
      const stored = store.procesos.stored.get('exp-1');

      await transition.handle(
        CommandMother.requestTransition('exp-1', hacia, { actor, sagaId: 's-7' }),
      );

      expect(summary(sent())).toEqual([
        {
          topic: 'bpm.replies',
          type: 'bpm.TransitionRefused',
          payload: { sagaId: 's-7', code, reason },
        },
      ]);
      expect(store.procesos.stored.get('exp-1')).toBe(stored);
    },
  );

  it('refuses a transition for an expediente with no process', async () => {
    const { transition, sent } = setup();

    await transition.handle(CommandMother.requestTransition('exp-404', 'ANALISIS_TECNICO'));

    expect(summary(sent())).toEqual([
      {
        topic: 'bpm.replies',
        type: 'bpm.TransitionRefused',
        payload: {
          sagaId: 'saga-advance',
          code: 'BPM.PROCESS_NOT_FOUND',
          reason: 'El expediente exp-404 no tiene ningún proceso iniciado',
        },
      },
    ]);
  });

  it('has no second effect when the same command comes again', async () => {
    const { transition, sent, store } = await started();
    const command = CommandMother.requestTransition('exp-1', 'ANALISIS_TECNICO');
    await transition.handle(command);
    sent();

    await expect(transition.handle(command)).resolves.toBe(false);

    expect(sent()).toEqual([]);
    expect((await store.procesos.findByExpediente('exp-1'))?.historial).toHaveLength(2);
  });
});

describe('CancelProcess', () => {
  it('cancels the process its saga started, once', async () => {
    const { start, cancel, transition, sent, store } = setup();
    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-1' }));
    sent();
    const command = CommandMother.cancelProcess('exp-1', { sagaId: 'saga-1' });

    await cancel.handle(command);
    await cancel.handle(CommandMother.cancelProcess('exp-1', { sagaId: 'saga-1' }));

    const messages = sent();
    expect(summary(messages)).toEqual([
      { topic: 'bpm.events', type: 'bpm.proceso.cancelado', payload: { expedienteId: 'exp-1' } },
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessCancelled',
        payload: { sagaId: 'saga-1', expedienteId: 'exp-1' },
      },
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessCancelled',
        payload: { sagaId: 'saga-1', expedienteId: 'exp-1' },
      },
    ]);
    expectAnswers(messages[0].envelope, command);
    expect((await store.procesos.findByExpediente('exp-1'))?.estado).toBe('cancelado');

    await transition.handle(CommandMother.requestTransition('exp-1', 'ANALISIS_TECNICO'));
    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-1' }));
    expect(sent().map(({ envelope }) => envelope.payload)).toEqual([
      expect.objectContaining({ code: 'BPM.PROCESS_CANCELLED' }),
      expect.objectContaining({ code: 'BPM.PROCESS_CANCELLED' }),
    ]);
  });

  it('answers as cancelled, touching nothing, when its saga started no process', async () => {
    const { start, cancel, sent, store } = setup();
    await start.handle(CommandMother.startProcess('exp-1', { sagaId: 'saga-1' }));
    sent();
    const stored = store.procesos.stored.get('exp-1');

    await cancel.handle(CommandMother.cancelProcess('exp-1', { sagaId: 'saga-2' }));
    await cancel.handle(CommandMother.cancelProcess('exp-2', { sagaId: 'saga-3' }));

    expect(summary(sent())).toEqual([
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessCancelled',
        payload: { sagaId: 'saga-2', expedienteId: 'exp-1' },
      },
      {
        topic: 'bpm.replies',
        type: 'bpm.ProcessCancelled',
        payload: { sagaId: 'saga-3', expedienteId: 'exp-2' },
      },
    ]);
    expect(store.procesos.stored.get('exp-1')).toBe(stored);
  });
});
