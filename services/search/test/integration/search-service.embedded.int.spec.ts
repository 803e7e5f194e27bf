import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedLanguage, silentLogger } from '@expedientes/shared-kernel';
import {
  EmbeddedMessageBus,
  openPlatformDatabase,
} from '@expedientes/shared-kernel/adapters/embedded';
import { createSearchService } from '../../src/composition-root';
import { searchServiceScenario } from './search-service.scenario';

describe('the search service on the embedded infrastructure (SQLite FTS5, embedded bus)', () => {
  searchServiceScenario(
    async (metrics) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'search-embedded-'));
      const database = openPlatformDatabase(dataDir, { logger: silentLogger });
      const bus = await EmbeddedMessageBus.open(database, {
        registry: publishedLanguage(),
        pollIntervalMs: 100,
      });
      const module = await createSearchService(
        { kind: 'embedded', database, bus },
        { logger: silentLogger, metrics },
      );
      return {
        module,
        bus,
        dispose: async () => {
          await bus.close();
          await database.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
    { settleMs: 10_000 },
  );
});
