import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage, silentLogger } from '@expedientes/shared-kernel';
import {
  EmbeddedMessageBus,
  openPlatformDatabase,
} from '@expedientes/shared-kernel/adapters/embedded';
import { createDocumentsService } from '../../src/composition-root';
import { documentsServiceSuite, testSettings } from './documents-service-suite';

documentsServiceSuite(
  'documents on the embedded infrastructure (SQLite, files, embedded bus)',
  async (common) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'documents-embedded-'));
    const database = openPlatformDatabase(dataDir, { logger: silentLogger });
    const bus = await EmbeddedMessageBus.open(database, {
      registry: publishedLanguage(),
      pollIntervalMs: 50,
    });
    const module = await createDocumentsService(
      { kind: 'embedded', dataDir, database, bus, outbox: bus.outbox() },
      common,
      testSettings,
    );
    return {
      module,
      bus,
      unfinishedUploads: async () => readdirSync(join(dataDir, 'documents', 'incoming')).length,
      dispose: async () => {
        await bus.close();
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
);
