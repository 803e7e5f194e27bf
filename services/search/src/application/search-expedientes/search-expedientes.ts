import { ExpedienteSearchIndex } from '../../domain/expediente-search-index';
import { SearchFilters, SearchPage, searchTerms } from '../../domain/search';

export interface SearchExpedientesQuery extends SearchFilters {
  /** What the user typed; empty or absent lists every expediente that passes the filters. */
  readonly texto?: string;
  readonly page: number;
  readonly pageSize: number;
}

/** Finds expedientes by the words of their code, description and document names. */
export class SearchExpedientes {
  constructor(private readonly index: ExpedienteSearchIndex) {}

  execute({ texto, page, pageSize, ...filters }: SearchExpedientesQuery): Promise<SearchPage> {
    return this.index.search({ terms: searchTerms(texto), filters, page, pageSize });
  }
}
