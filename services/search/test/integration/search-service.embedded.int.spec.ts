import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage, silentLogger } from '@expedientes/shared-kernel';
import { EmbeddedMessageBus } from '@expedientes/shared-kernel/adapters/embedded';
import { SqliteDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { createSearchService } from '../../src/composition-root';
import { searchServiceScenario } from './search-service.scenario';

describe('the search service on the embedded infrastructure (SQLite FTS5, embedded bus)', () => {
  searchServiceScenario(
    async (metrics) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'search-embedded-'));
      const busDatabase = new SqliteDatabase(join(dataDir, 'bus.db'));
      const bus = await EmbeddedMessageBus.open(busDatabase, {
        registry: publishedLanguage(),
        pollIntervalMs: 100,
      });
      const module = await createSearchService(
        { kind: 'embedded', dataDir, bus },
        { logger: silentLogger, metrics },
      );
      return {
        module,
        bus,
        dispose: async () => {
          await bus.close();
          await busDatabase.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
    { settleMs: 10_000 },
  );
});
