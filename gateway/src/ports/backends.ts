import { BpmApi } from './bpm-api';
import { DocumentsApi } from './documents-api';
import { ExpedientesApi } from './expedientes-api';
import { SearchApi } from './search-api';
import { UsersApi } from './users-api';

/** The services behind the gateway, one port each. */
export interface Backends {
  readonly expedientes: ExpedientesApi;
  readonly documents: DocumentsApi;
  readonly bpm: BpmApi;
  readonly search: SearchApi;
  /** None where the platform's tokens come from an authorization server of someone else's. */
  readonly users?: UsersApi;
}
