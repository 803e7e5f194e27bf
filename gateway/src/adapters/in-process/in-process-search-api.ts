import type { SearchEndpoints } from '@expedientes/search';
import { CallContext } from '../../ports/caller';
import { CriteriosDeBusqueda, SearchApi } from '../../ports/search-api';
import { searchAnswer, searchQuery } from '../search-answers';
import { InProcessService } from './in-process-service';

/** search's endpoints, called in this process (see InProcessService). */
export class InProcessSearchApi implements SearchApi {
  constructor(
    private readonly endpoints: SearchEndpoints,
    private readonly service: InProcessService,
  ) {}

  search(criterios: CriteriosDeBusqueda, call: CallContext) {
    return this.service.read(call, searchAnswer, (caller) =>
      this.endpoints.search(searchQuery(criterios), caller),
    );
  }
}
