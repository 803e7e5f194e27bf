import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage } from '@expedientes/shared-kernel';
import { EmbeddedMessageBus } from '@expedientes/shared-kernel/adapters/embedded';
import { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { createDocumentsService } from '../../src/composition-root';
import { documentsServiceSuite, testSettings } from './documents-service-suite';

documentsServiceSuite(
  'documents on the embedded infrastructure (SQLite, files, embedded bus)',
  async (common) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'documents-embedded-'));
    const busDatabase = new SqliteDatabase(join(dataDir, 'bus.db'));
    const bus = await EmbeddedMessageBus.open(busDatabase, {
      registry: publishedLanguage(),
      pollIntervalMs: 50,
    });
    const module = await createDocumentsService(
      { kind: 'embedded', dataDir, bus },
      common,
      testSettings,
    );
    return {
      module,
      bus,
      unfinishedUploads: async () => readdirSync(join(dataDir, 'documents', 'incoming')).length,
      dispose: async () => {
        await bus.close();
        await busDatabase.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
);
