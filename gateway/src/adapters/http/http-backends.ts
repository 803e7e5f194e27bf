import { Backends } from '../../ports/backends';
import { HttpBpmApi } from './http-bpm-api';
import { HttpDocumentsApi } from './http-documents-api';
import { HttpExpedientesApi } from './http-expedientes-api';
import { HttpSearchApi } from './http-search-api';
import { HttpUsersApi } from './http-users-api';
import { HttpTransport } from './in-process-transport';
import { nodeHttpTransport } from './node-http-transport';
import { ServiceClient } from './service-client';

export interface ServiceUrls {
  readonly expedientes: string;
  readonly documents: string;
  readonly bpm: string;
  readonly search: string;
  /** auth's own API, when the platform runs its own authorization server. */
  readonly auth?: string;
}

/**
 * Every port on its service's HTTP API, at the URLs the configuration gives, reached over the
 * network unless a transport says otherwise.
 */
export function httpBackends(
  urls: ServiceUrls,
  timeoutMs: number,
  transport: HttpTransport = nodeHttpTransport(),
): Backends {
  const client = (service: string, baseUrl: string, honorsIdempotencyKeys = false) =>
    new ServiceClient({
      service,
      baseUrl,
      timeoutMs,
      honorsIdempotencyKeys,
      transport,
    });
  return {
    // Its commands start their sagas under ids made from the key: a retry finds the first.
    expedientes: new HttpExpedientesApi(client('expedientes', urls.expedientes, true)),
    documents: new HttpDocumentsApi(client('documents', urls.documents)),
    bpm: new HttpBpmApi(client('bpm', urls.bpm)),
    search: new HttpSearchApi(client('search', urls.search)),
    users: urls.auth === undefined ? undefined : new HttpUsersApi(client('auth', urls.auth)),
  };
}
