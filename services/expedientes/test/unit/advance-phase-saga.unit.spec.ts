import { sagaScript } from '@expedientes/shared-kernel/testing';
import { advancePhaseSaga } from '../../src/application/advance-phase/advance-phase-saga';
import { at, ExpedienteMother, FaseMother } from '../support/mothers';
import { given } from '../support/given';
import { sagaFixture, STEP_TIMEOUT_MS } from '../support/saga-fixture';

const validador = { userId: 'vicente.validador', roles: ['validador'] };

describe('the AdvancePhase saga', () => {
  let fixture: ReturnType<typeof sagaFixture>;
  let saga: ReturnType<typeof advancePhaseSaga>;

  beforeEach(async () => {
    fixture = sagaFixture();
    saga = advancePhaseSaga(fixture.deps);
    await given(fixture.expedientes, ExpedienteMother.abierto());
  });

  it('asks bpm for the transition, then records the new phase', async () => {
    const before = (await fixture.expedientes.findById('exp-1'))!.version;
    await sagaScript(saga)
      .start({ expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO', transicion: null })
      .expectCommand('bpm.RequestTransition', { expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO' })
      .reply('bpm.TransitionRecorded', {
        expedienteId: 'exp-1',
        desde: FaseMother.inicial(),
        hacia: FaseMother.analisis(),
        paso: 1,
      })
      .expectCompleted()
      // What the answer to the request is made from, without reading the stream again.
      .expectData({
        resultante: { estado: 'abierto', fase: FaseMother.analisis(), version: before + 1 },
      });

    const expediente = await fixture.expedientes.findById('exp-1');
    expect(expediente?.faseActual).toEqual(FaseMother.analisis());
    expect(expediente?.estadoActual).toBe('abierto');
    const cambio = (await fixture.eventStore.readStream('expediente-exp-1')).at(-1);
    expect(cambio?.data).toMatchObject({ por: 'tramitadora', paso: 1 });
  });

  it("passes the user's reason to bpm and keeps it with the phase change", async () => {
    const motivo = 'Falta el informe técnico';
    await sagaScript(saga)
      .start({ expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO', motivo, transicion: null })
      .expectCommand('bpm.RequestTransition', { hacia: 'ANALISIS_TECNICO', motivo })
      .reply('bpm.TransitionRecorded', {
        expedienteId: 'exp-1',
        desde: FaseMother.inicial(),
        hacia: FaseMother.analisis(),
        paso: 1,
        motivo,
      })
      .expectCompleted();

    const cambio = (await fixture.eventStore.readStream('expediente-exp-1')).at(-1);
    expect(cambio?.data).toMatchObject({ hacia: FaseMother.analisis(), motivo, paso: 1 });
  });

  it('finishes the expediente when bpm moves it to a final phase', async () => {
    const expediente = await fixture.expedientes.findById('exp-1');
    expediente?.cambiarFase(FaseMother.analisis(), at('2030-01-02T09:00:00Z'));
    expediente?.cambiarFase(FaseMother.validacion(), at('2030-01-03T09:00:00Z'));
    await given(fixture.expedientes, expediente!);

    await sagaScript(saga)
      .start({ expedienteId: 'exp-1', hacia: 'FINALIZADO', transicion: null }, { actor: validador })
      .expectCommand('bpm.RequestTransition', { hacia: 'FINALIZADO' })
      .reply('bpm.TransitionRecorded', {
        expedienteId: 'exp-1',
        desde: FaseMother.validacion(),
        hacia: FaseMother.finalizado(),
      })
      .expectCompleted();

    expect((await fixture.expedientes.findById('exp-1'))?.estadoActual).toBe('finalizado');
  });

  it("ends with bpm's code and reason when bpm refuses, the expediente unchanged", async () => {
    await sagaScript(saga)
      .start({ expedienteId: 'exp-1', hacia: 'FINALIZADO', transicion: null })
      .expectCommand('bpm.RequestTransition')
      .reply('bpm.TransitionRefused', {
        code: 'BPM.TRANSITION_NOT_ALLOWED',
        reason: 'No se puede pasar de Fase inicial a Finalizado',
      })
      .expectCompensated(
        'BPM.TRANSITION_NOT_ALLOWED: No se puede pasar de Fase inicial a Finalizado',
      );

    expect((await fixture.expedientes.findById('exp-1'))?.faseActual).toEqual(FaseMother.inicial());
  });

  it('gives up when bpm does not answer in time, and ignores a late answer', async () => {
    await sagaScript(saga)
      .start({ expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO', transicion: null })
      .expectCommand('bpm.RequestTransition')
      .advanceTime(STEP_TIMEOUT_MS + 1)
      .expectCompensated(/no reply to bpm.RequestTransition/)
      .reply('bpm.TransitionRecorded', {
        expedienteId: 'exp-1',
        desde: FaseMother.inicial(),
        hacia: FaseMother.analisis(),
      })
      .expectCompensated();

    expect((await fixture.expedientes.findById('exp-1'))?.faseActual).toEqual(FaseMother.inicial());
  });

  it('records the phase once, however often the reply comes and the process restarts', async () => {
    await sagaScript(saga)
      .crashBeforeNextPublish()
      .start({ expedienteId: 'exp-1', hacia: 'ANALISIS_TECNICO', transicion: null })
      .restart()
      .expectCommand('bpm.RequestTransition')
      .reply('bpm.TransitionRecorded', {
        expedienteId: 'exp-1',
        desde: FaseMother.inicial(),
        hacia: FaseMother.analisis(),
      })
      .replyAgain()
      .restart()
      .expectCompleted();

    const types = (await fixture.eventStore.readStream('expediente-exp-1')).map((e) => e.type);
    expect(types.filter((type) => type.endsWith('fase-cambiada.v1'))).toHaveLength(1);
  });
});
