import { join } from 'node:path';
import type { Logger } from '../../ports/logger';
import { ConfigurationError } from '../runtime/config';
import type { Durability } from '../shared/durability';
import { mergeSqliteFiles } from '../sql/merge-sqlite-files';
import { SqliteDatabase } from '../sql/sqlite-database';

/** The file of the embedded platform's bus and of the stores its services keep state in. */
export const PLATFORM_FILE = 'platform.db';

/**
 * Where earlier versions kept the same tables, a file each; documents' outbox takes its own
 * name beside bpm's, and search's inbox rows join bpm's in one inbox.
 */
const EARLIER_FILES: ReadonlyArray<{ file: string; renamed?: Record<string, string> }> = [
  { file: 'bus.db' },
  { file: 'expedientes.db' },
  { file: 'documents.db', renamed: { outbox: 'documents_outbox' } },
  { file: 'bpm.db' },
  { file: 'expedientes-read-models.db' },
  { file: 'search.db' },
];

/**
 * The platform's one SQLite file under `dataDir`, into which the files of an earlier layout
 * are merged first. One file, one write-ahead log: a commit is on the disk once any later one
 * is, so commits do not wait for the disk, and what answers a client flushes first (each
 * answer to a change, see the embedded platform). The process holds it alone while it runs
 * (`exclusive`): a second process on the same DATA_DIR is told so and stops.
 */
export function openPlatformDatabase(
  dataDir: string,
  options: { readonly durability?: Durability; readonly logger: Logger },
): SqliteDatabase {
  const target = join(dataDir, PLATFORM_FILE);
  const merged = mergeSqliteFiles(
    target,
    EARLIER_FILES.map(({ file, renamed }) => ({ path: join(dataDir, file), renamed })),
  );
  if (merged.length > 0) {
    options.logger.info(
      { merged, into: target },
      'moved the stores of an earlier layout into the platform file; each old file is kept as <name>.merged',
    );
  }
  try {
    return new SqliteDatabase(target, {
      durability: options.durability,
      flushes: 'when-asked',
      exclusive: true,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new ConfigurationError([
      `DATA_DIR ${dataDir}: ${PLATFORM_FILE} is in use by another process (a platform ` +
        'already running on it?): stop that one, or give this one a DATA_DIR of its own',
    ]);
  }
}
