import { EstadoDeExpediente } from '../model/common';
import { ResultadoDeBusqueda } from '../model/search';
import { CallContext } from './caller';

export interface CriteriosDeBusqueda {
  readonly q?: string;
  readonly fase?: string;
  readonly estado?: EstadoDeExpediente;
  readonly opcionInicial?: string;
  readonly desde?: string;
  readonly hasta?: string;
  readonly page?: number;
  readonly pageSize?: number;
}

/** The search service: full-text search over the expedientes and their documents' names. */
export interface SearchApi {
  search(criterios: CriteriosDeBusqueda, call: CallContext): Promise<ResultadoDeBusqueda>;
}
