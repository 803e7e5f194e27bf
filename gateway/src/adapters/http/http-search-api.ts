import { searchAnswer, searchQuery } from '../search-answers';
import { CallContext } from '../../ports/caller';
import { CriteriosDeBusqueda, SearchApi } from '../../ports/search-api';
import { ServiceClient } from './service-client';

/** search's internal API: full-text search over the expedientes. */
export class HttpSearchApi implements SearchApi {
  constructor(private readonly client: ServiceClient) {}

  async search(criterios: CriteriosDeBusqueda, call: CallContext) {
    const reply = await this.client.send('/search', { query: searchQuery(criterios) }, call);
    return this.client.parse(searchAnswer, reply.json);
  }
}
