import type { BpmEndpoints } from '@expedientes/bpm';
import type { DocumentsEndpoints } from '@expedientes/documents';
import type { ExpedientesEndpoints } from '@expedientes/expedientes';
import type { SearchEndpoints } from '@expedientes/search';
import { IdentityVerifier } from '@expedientes/shared-kernel';
import { Backends } from '../../ports/backends';
import { InProcessBpmApi } from './in-process-bpm-api';
import { InProcessDocumentsApi } from './in-process-documents-api';
import { InProcessExpedientesApi } from './in-process-expedientes-api';
import { InProcessSearchApi } from './in-process-search-api';
import { InProcessService } from './in-process-service';

/** The services of this process whose endpoints the gateway calls directly. */
export interface InProcessEndpoints {
  readonly expedientes: ExpedientesEndpoints;
  readonly documents: DocumentsEndpoints;
  readonly bpm: BpmEndpoints;
  readonly search: SearchEndpoints;
}

/**
 * The embedded gateway's backends: the four services' endpoints called directly; documents'
 * downloads and auth's user management as `overHttp` reaches them (the services' HTTP handler
 * in this process).
 */
export function inProcessBackends(
  endpoints: InProcessEndpoints,
  identity: IdentityVerifier,
  timeoutMs: number,
  /** Takes every commit so far to the disk: what the answer to a change waits for. */
  onDisk: () => Promise<void>,
  overHttp: Backends,
): Backends {
  const service = (name: string) => new InProcessService(name, identity, timeoutMs, onDisk);
  return {
    ...overHttp,
    expedientes: new InProcessExpedientesApi(endpoints.expedientes, service('expedientes')),
    documents: new InProcessDocumentsApi(
      endpoints.documents,
      service('documents'),
      overHttp.documents,
    ),
    bpm: new InProcessBpmApi(endpoints.bpm, service('bpm')),
    search: new InProcessSearchApi(endpoints.search, service('search')),
  };
}
