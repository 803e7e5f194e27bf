import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage, silentLogger } from '@expedientes/shared-kernel';
import {
  EmbeddedMessageBus,
  openPlatformDatabase,
} from '@expedientes/shared-kernel/adapters/embedded';
import { bpmServiceScenarios } from './bpm-service-scenarios';

bpmServiceScenarios(
  'bpm on the embedded infrastructure (SQLite + EmbeddedMessageBus)',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bpm-embedded-'));
    const database = openPlatformDatabase(dataDir, { logger: silentLogger });
    const bus = await EmbeddedMessageBus.open(database, {
      registry: publishedLanguage(),
      pollIntervalMs: 100,
    });
    return {
      infrastructure: { kind: 'embedded', database, bus, outbox: bus.outbox() },
      bus,
      close: async () => {
        await bus.close();
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
);
