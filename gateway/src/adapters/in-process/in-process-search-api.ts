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

  async search(criterios: CriteriosDeBusqueda, call: CallContext) {
    const found = await this.service.call(call, (caller) =>
      this.endpoints.search(searchQuery(criterios), caller),
    );
    return this.service.answer(searchAnswer, found);
  }
}
