import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { EmbeddedMessageBus } from '@expedientes/shared-kernel/adapters/embedded';
import { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import {
  expedientesServiceSuite,
  InfrastructureUnderTest,
} from '../support/expedientes-service-suite';
import { ServiceHarness } from '../support/service-harness';

async function embedded(): Promise<InfrastructureUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'expedientes-embedded-'));
  const busDatabase = new SqliteDatabase(join(dataDir, 'bus.db'));
  const bus = await EmbeddedMessageBus.open(busDatabase, {
    registry: publishedLanguage(),
    pollIntervalMs: 50,
  });
  return {
    infrastructure: { kind: 'embedded', dataDir, bus },
    cleanup: async () => {
      await bus.close();
      await busDatabase.close();
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
});
