import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Actor,
  bpm,
  Envelope,
  EnvelopeFactory,
  publishedLanguage,
  silentLogger,
  topics,
} from '@expedientes/shared-kernel';
import {
  EmbeddedMessageBus,
  openPlatformDatabase,
} from '@expedientes/shared-kernel/adapters/embedded';
import { ServiceMetrics, ServiceModule } from '@expedientes/shared-kernel/adapters/runtime';
import { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { createBpmService } from '../../src/composition-root';
import { DefinicionDeProcedimiento } from '../../src/domain/procedimiento';
import { ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

/**
 * A new version of a procedure is deployed while processes run: after the restart, new
 * processes follow it and the running ones keep theirs, read back from SQLite.
 */
describe('bpm across a new version of its procedure', () => {
  let dataDir: string;
  let database: SqliteDatabase;
  let bus: EmbeddedMessageBus;
  const replies: Envelope[] = [];
  const envelopes = new EnvelopeFactory(randomUUID);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bpm-versions-'));
    database = openPlatformDatabase(dataDir, { logger: silentLogger });
    bus = await EmbeddedMessageBus.open(database, {
      registry: publishedLanguage(),
      pollIntervalMs: 100,
    });
    await bus.subscribe({
      group: 'bpm-versions-test',
      topics: [topics.replies('bpm')],
      handler: async (reply) => void replies.push(reply),
    });
  });

  afterAll(async () => {
    await bus.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (
    definiciones: readonly DefinicionDeProcedimiento[],
  ): Promise<ServiceModule> => {
    const procedimientosDir = mkdtempSync(join(dataDir, 'procedures-'));
    for (const definicion of definiciones) {
      writeFileSync(
        join(procedimientosDir, `${definicion.codigo}.v${definicion.version}.json`),
        JSON.stringify(definicion),
      );
    }
    const module = await createBpmService(
      { kind: 'embedded', database, bus, outbox: bus.outbox(), procedimientosDir },
      { logger: silentLogger, metrics: new ServiceMetrics('bpm') },
    );
    await module.start();
    return module;
  };

  const ask = async (type: string, payload: Record<string, unknown>, actor: Actor) => {
    const command = envelopes.create({
      type,
      key: payload.expedienteId as string,
      actor,
      payload: { sagaId: randomUUID(), ...payload },
    });
    await bus.publish(topics.commands('bpm'), [command]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const reply = replies.find((each) => each.causationId === command.id);
      if (reply) return reply;
      if (Date.now() > deadline) throw new Error(`no reply to ${type}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const toValidation = async (expedienteId: string) => {
    await ask(
      bpm.StartProcess.type,
      { expedienteId, procedimiento: 'estandar' },
      usuarios.tramitadora,
    );
    for (const hacia of ['ANALISIS_TECNICO', 'VALIDACION']) {
      await ask(bpm.RequestTransition.type, { expedienteId, hacia }, usuarios.tramitadora);
    }
  };

  it('keeps running processes on their version and starts new ones on the newest', async () => {
    const v1 = ProcedimientoMother.estandarDefinicion();
    const before = await run([v1]);
    await toValidation('exp-v1');
    await before.stop();

    const after = await run([v1, ProcedimientoMother.estandarV2Definicion()]);
    try {
      await toValidation('exp-v2');
      // Version 2 lets a tramitador finish a validation; version 1 does not.
      const finishV1 = await ask(
        bpm.RequestTransition.type,
        { expedienteId: 'exp-v1', hacia: 'FINALIZADO' },
        usuarios.tramitadora,
      );
      const finishV2 = await ask(
        bpm.RequestTransition.type,
        { expedienteId: 'exp-v2', hacia: 'FINALIZADO' },
        usuarios.tramitadora,
      );

      expect(finishV1).toMatchObject({
        type: bpm.TransitionRefused.type,
        payload: { code: 'BPM.ROLE_NOT_ALLOWED' },
      });
      expect(finishV2).toMatchObject({ type: bpm.TransitionRecorded.type });
      const started = replies.filter((reply) => reply.type === bpm.ProcessStarted.type);
      expect(
        started.map((reply) => [reply.key, (reply.payload as { version: number }).version]),
      ).toEqual([
        ['exp-v1', 1],
        ['exp-v2', 2],
      ]);
    } finally {
      await after.stop();
    }
  });
});
