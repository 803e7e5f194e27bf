import { Fase, Logger, silentLogger } from '@expedientes/shared-kernel';
import { sagaScript } from '@expedientes/shared-kernel/testing';
import { advancePhaseSaga } from '../../src/application/advance-phase/advance-phase-saga';
import { FollowProcess } from '../../src/application/follow-process/follow-process';
import { RequestMetadata } from '../../src/application/request';
import { GetExpedienteHistory } from '../../src/application/get-history/get-history';
import { fromRecorded } from '../../src/application/expediente-stream';
import { evolveDetail } from '../../src/application/projections/expediente-detail';
import { evolveListItem } from '../../src/application/projections/expediente-list';
import { given } from '../support/given';
import { ActorMother, ExpedienteMother, FaseMother } from '../support/mothers';
import { sagaFixture, STEP_TIMEOUT_MS } from '../support/saga-fixture';

describe('FollowProcess: the expediente follows the phase changes bpm publishes', () => {
  let fixture: ReturnType<typeof sagaFixture>;
  let follow: FollowProcess;
  let logged: Array<[string, Record<string, unknown>]>;
  let events = 0;

  /** bpm's `fase.cambiada` of exp-1, as the envelope of the user who asked bpm brings it. */
  const bpmSays = (hacia: Fase, paso?: number, actor = ActorMother.tramitadora()) => {
    events += 1;
    const request: RequestMetadata = {
      actor,
      correlationId: `correlation-${events}`,
      requestId: `bpm-event-${events}`,
    };
    return follow.execute({ expedienteId: 'exp-1', hacia, paso }, request);
  };
  const faseOf = async () => (await fixture.expedientes.findById('exp-1'))?.faseActual;
  const cambiosDeFase = async () =>
    (await fixture.eventStore.readStream('expediente-exp-1')).filter((event) =>
      event.type.endsWith('fase-cambiada.v1'),
    );

  beforeEach(async () => {
    fixture = sagaFixture();
    logged = [];
    const logger: Logger = {
      ...silentLogger,
      debug: (fields: unknown) => logged.push(['debug', fields as Record<string, unknown>]),
      warn: (fields: unknown) => logged.push(['warn', fields as Record<string, unknown>]),
    };
    follow = new FollowProcess(fixture.expedientes, fixture.clock, logger);
    await given(fixture.expedientes, ExpedienteMother.abierto());
  });

  it('moves the expediente, in the name of the user who asked bpm, into its history', async () => {
    await expect(bpmSays(FaseMother.analisis(), 1, ActorMother.admin())).resolves.toBe('followed');

    expect(await faseOf()).toEqual(FaseMother.analisis());
    const history = await new GetExpedienteHistory(fixture.eventStore).execute('exp-1');
    expect(history.at(-1)).toMatchObject({
      tipo: 'fase-cambiada',
      usuario: 'root',
      roles: ['admin'],
      resumen: 'Cambio de fase de «Fase inicial» a «Fase de análisis técnico»',
      datos: { paso: 1 },
    });
    const [recorded] = await cambiosDeFase();
    expect(recorded.metadata).toMatchObject({
      causationId: 'bpm-event-1',
      correlationId: 'correlation-1',
    });
  });

  it('does nothing twice for a redelivered event, nor for an older one after a cycle', async () => {
    await bpmSays(FaseMother.analisis(), 1);
    await expect(bpmSays(FaseMother.analisis(), 1)).resolves.toBe('known');
    await bpmSays(FaseMother.rechazado(), 2);
    await bpmSays(FaseMother.inicial(), 3);

    // Back in Fase inicial: transitions 1 and 2 must not move it again.
    await expect(bpmSays(FaseMother.analisis(), 1)).resolves.toBe('known');
    await expect(bpmSays(FaseMother.rechazado(), 2)).resolves.toBe('known');
    expect(await faseOf()).toEqual(FaseMother.inicial());
    await expect(bpmSays(FaseMother.analisis(), 4)).resolves.toBe('followed');
    expect((await cambiosDeFase()).map((event) => event.data.paso)).toEqual([1, 2, 3, 4]);
  });

  it("leaves bpm's events without a number to the saga, saying so at debug level", async () => {
    await expect(bpmSays(FaseMother.analisis())).resolves.toBe('skipped');

    expect(await faseOf()).toEqual(FaseMother.inicial());
    expect(logged).toEqual([['debug', { expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO' }]]);
  });

  it('drops, with a warning, what the expediente cannot take', async () => {
    await bpmSays(FaseMother.analisis(), 1);
    await bpmSays(FaseMother.validacion(), 2);
    await bpmSays(FaseMother.finalizado(), 3);

    await expect(bpmSays(FaseMother.rechazado(), 4)).resolves.toBe('ignored');
    await expect(
      follow.execute(
        { expedienteId: 'nope', hacia: FaseMother.analisis(), paso: 1 },
        { actor: ActorMother.tramitadora(), correlationId: 'c', requestId: 'r' },
      ),
    ).resolves.toBe('ignored');
    expect(logged.map(([level, fields]) => [level, fields.expedienteId])).toEqual([
      ['warn', 'exp-1'],
      ['warn', 'nope'],
    ]);
    expect(await faseOf()).toEqual(FaseMother.finalizado());
  });

  describe('plazos', () => {
    const request = (id: string): RequestMetadata => ({
      actor: { userId: 'system', roles: ['system'] },
      correlationId: id,
      requestId: id,
    });
    const views = async () => {
      const recorded = (await fixture.eventStore.readStream('expediente-exp-1')).map(fromRecorded);
      return {
        detail: recorded.reduce(evolveDetail, null),
        item: recorded.reduce(evolveListItem, null),
      };
    };

    it('keeps the last day of the phase bpm moved it to, and takes a plazo counted again', async () => {
      await follow.execute(
        { expedienteId: 'exp-1', hacia: FaseMother.analisis(), paso: 1, vencimiento: '2026-12-21' },
        request('fase'),
      );
      expect((await views()).item?.vencimiento).toBe('2026-12-21');

      await expect(
        follow.recalcularPlazo(
          { expedienteId: 'exp-1', paso: 1, vencimiento: '2026-12-22' },
          request('recalculo'),
        ),
      ).resolves.toBe('followed');
      const { detail, item } = await views();
      expect(item?.vencimiento).toBe('2026-12-22');
      expect(detail?.vencimiento).toBe('2026-12-22');
      expect(detail?.historialDeFases.at(-1)).toMatchObject({ vencimiento: '2026-12-22' });
      const history = await new GetExpedienteHistory(fixture.eventStore).execute('exp-1');
      expect(history.at(-1)).toMatchObject({
        tipo: 'plazo-recalculado',
        resumen: 'Plazo de la fase recalculado: vence el 22/12/2026',
      });
    });

    it('leaves alone a plazo counted again for a stay it has left, or one it already has', async () => {
      await follow.execute(
        { expedienteId: 'exp-1', hacia: FaseMother.analisis(), paso: 1, vencimiento: '2026-12-21' },
        request('fase'),
      );
      await expect(
        follow.recalcularPlazo(
          { expedienteId: 'exp-1', paso: 0, vencimiento: '2026-12-30' },
          request('viejo'),
        ),
      ).resolves.toBe('known');
      await expect(
        follow.recalcularPlazo(
          { expedienteId: 'exp-1', paso: 1, vencimiento: '2026-12-21' },
          request('igual'),
        ),
      ).resolves.toBe('known');
      await expect(
        follow.recalcularPlazo(
          { expedienteId: 'nope', paso: 0, vencimiento: null },
          request('ninguno'),
        ),
      ).resolves.toBe('ignored');
      expect((await views()).item?.vencimiento).toBe('2026-12-21');
    });
  });

  describe('beside the AdvancePhase saga', () => {
    const recorded = (paso: number) => ({
      expedienteId: 'exp-1',
      desde: FaseMother.inicial(),
      hacia: FaseMother.analisis(),
      paso,
    });

    it("reconciles a transition whose reply came after the saga's deadline", async () => {
      await sagaScript(advancePhaseSaga(fixture.deps))
        .start({ expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO', transicion: null })
        .expectCommand('bpm.RequestTransition')
        .advanceTime(STEP_TIMEOUT_MS + 1)
        .expectCompensated(/no reply to bpm.RequestTransition/)
        .reply('bpm.TransitionRecorded', recorded(1))
        .expectCompensated();
      expect(await faseOf()).toEqual(FaseMother.inicial());

      // bpm's event of the same transition, which it published with its late reply.
      await expect(bpmSays(FaseMother.analisis(), 1)).resolves.toBe('followed');

      expect(await faseOf()).toEqual(FaseMother.analisis());
      expect(await cambiosDeFase()).toHaveLength(1);
    });

    it('records the phase once when the event comes before the reply', async () => {
      // bpm publishes its event before its reply; here the event is handled first.
      await bpmSays(FaseMother.analisis(), 1);

      await sagaScript(advancePhaseSaga(fixture.deps))
        .start({ expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO', transicion: null })
        .expectCommand('bpm.RequestTransition')
        .reply('bpm.TransitionRecorded', recorded(1))
        .expectCompleted();
      expect((await cambiosDeFase()).map((event) => event.data)).toEqual([
        expect.objectContaining({ hacia: FaseMother.analisis(), paso: 1, por: 'ana.tramitadora' }),
      ]);
    });
  });
});
