import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { EmbeddedMessageBus } from '@expedientes/shared-kernel/adapters/embedded';
import { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { bpmServiceScenarios } from './bpm-service-scenarios';

bpmServiceScenarios(
  'bpm on the embedded infrastructure (SQLite + EmbeddedMessageBus)',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bpm-embedded-'));
    const busDatabase = new SqliteDatabase(join(dataDir, 'bus.db'));
    const bus = await EmbeddedMessageBus.open(busDatabase, {
      registry: publishedLanguage(),
      pollIntervalMs: 100,
    });
    return {
      infrastructure: { kind: 'embedded', dataDir, bus },
      bus,
      close: async () => {
        await bus.close();
        await busDatabase.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
);
