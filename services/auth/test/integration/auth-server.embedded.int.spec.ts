import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authServerScenarios } from './auth-server-scenarios';

authServerScenarios(
  'the authorization server on the embedded infrastructure (SQLite)',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auth-embedded-'));
    return {
      entry: 'embedded',
      env: { DATA_DIR: dataDir },
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  },
);
