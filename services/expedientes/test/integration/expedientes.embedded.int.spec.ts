import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fase, publishedLanguage, silentLogger } from '@expedientes/shared-kernel';
import {
  EmbeddedMessageBus,
  openPlatformDatabase,
} from '@expedientes/shared-kernel/adapters/embedded';
import {
  expedientesServiceSuite,
  InfrastructureUnderTest,
} from '../support/expedientes-service-suite';
import { eventually } from '@expedientes/shared-kernel/testing';
import { cooperativeParticipants } from '../support/fake-participants';
import { ServiceHarness, testSettings } from '../support/service-harness';

async function embedded(): Promise<InfrastructureUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'expedientes-embedded-'));
  const database = openPlatformDatabase(dataDir, { logger: silentLogger });
  const bus = await EmbeddedMessageBus.open(database, {
    registry: publishedLanguage(),
    pollIntervalMs: 50,
  });
  return {
    infrastructure: { kind: 'embedded', database, bus },
    cleanup: async () => {
      await bus.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

expedientesServiceSuite(
  'expedientes on the embedded infrastructure (SQLite, embedded bus)',
  embedded,
);

describe('expedientes when a participant does not answer (embedded)', () => {
  let underTest: InfrastructureUnderTest;
  let harness: ServiceHarness;

  beforeAll(async () => {
    underTest = await embedded();
    harness = await ServiceHarness.start(underTest.infrastructure, {
      settings: {
        ...testSettings,
        sagaStepTimeoutMs: 300,
        sagaResponseWaitMs: 5_000,
        sagaTimeoutCheckIntervalMs: 50,
      },
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await underTest?.cleanup();
  });

  it('compensates past the step deadline and rejects the creation', async () => {
    const cooperative = harness.participants.answer;
    harness.participants.answer = (command) =>
      command.type === 'bpm.StartProcess' ? null : cooperative(command);
    const refused = await harness.request('POST', '/expedientes', {
      body: { codigo: 'LENTO-1', opcionInicial: 'SEDE_ELECTRONICA', documentIds: ['doc-1'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'EXPEDIENTE.SIN_RESPUESTA',
      detail: expect.stringContaining('bpm no respondió a tiempo'),
    });
    expect(harness.participants.commandTypesFor(refused.body.details.expedienteId)).toEqual([
      'documents.RegisterDocuments',
      'bpm.StartProcess',
      'bpm.CancelProcess',
      'documents.ReleaseDocuments',
    ]);
  });

  it("follows bpm's phase when bpm's reply comes after the saga gave up", async () => {
    harness.participants.answer = cooperativeParticipants();
    const opened = await harness.request('POST', '/expedientes', {
      body: { codigo: 'TARDIO-1', opcionInicial: 'SEDE_ELECTRONICA', documentIds: ['doc-1'] },
    });
    expect(opened.status).toBe(201);
    const { expedienteId: id } = opened.body;
    const transition = (hacia: string) =>
      harness.request('POST', `/expedientes/${id}/transitions`, { body: { hacia } });

    harness.participants.hold();
    const late = await transition('ANALISIS_TECNICO');
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('EXPEDIENTE.SIN_RESPUESTA');
    // bpm records it now: its event, then its reply, both past the saga's deadline.
    await harness.participants.release();

    const detail = await eventually(async () => {
      const answer = await harness.request('GET', `/expedientes/${id}`);
      expect(answer.body).toMatchObject({ fase: { codigo: 'ANALISIS_TECNICO' }, version: 2 });
      return answer.body;
    });
    expect(detail.historialDeFases.map((paso: { fase: Fase }) => paso.fase.codigo)).toEqual([
      'INICIAL',
      'ANALISIS_TECNICO',
    ]);
    // Then on through a rejection and back, the saga's reply and bpm's event racing each time.
    for (const hacia of ['RECHAZADO', 'INICIAL', 'ANALISIS_TECNICO']) {
      expect((await transition(hacia)).status).toBe(200);
    }
    const history = await harness.request('GET', `/expedientes/${id}/history`, { as: 'admin' });
    const cambios = history.body.entradas.filter(
      (entrada: { tipo: string }) => entrada.tipo === 'fase-cambiada',
    );
    expect(
      cambios.map((entrada: { usuario: string; datos: { hacia: Fase; paso: number } }) => [
        entrada.datos.hacia.codigo,
        entrada.datos.paso,
        entrada.usuario,
      ]),
    ).toEqual([
      ['ANALISIS_TECNICO', 1, 'tramitador-1'],
      ['RECHAZADO', 2, 'tramitador-1'],
      ['INICIAL', 3, 'tramitador-1'],
      ['ANALISIS_TECNICO', 4, 'tramitador-1'],
    ]);
    // The read models follow, and a rebuild from the history gives them back the same.
    const live = await eventually(async () => {
      const answer = await harness.request('GET', `/expedientes/${id}`);
      expect(answer.body).toMatchObject({ fase: { codigo: 'ANALISIS_TECNICO' }, version: 5 });
      return answer.body;
    });
    expect(live.historialDeFases).toHaveLength(5);
    const liveList = (await harness.request('GET', '/expedientes?q=TARDIO-1')).body;
    expect(liveList.items).toEqual([
      expect.objectContaining({ fase: expect.objectContaining({ codigo: 'ANALISIS_TECNICO' }) }),
    ]);
    await harness.module.rebuildReadModels();
    expect((await harness.request('GET', `/expedientes/${id}`)).body).toEqual(live);
    expect((await harness.request('GET', '/expedientes?q=TARDIO-1')).body).toEqual(liveList);
  });
});
