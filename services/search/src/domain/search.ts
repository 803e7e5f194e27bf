import {
  DatosDeExpediente,
  EstadoDeExpediente,
  IndexedExpediente,
  OpcionInicial,
} from './indexed-expediente';

/**
 * Words shorter than this are left out of a search. MariaDB's InnoDB does not index them
 * (innodb_ft_min_token_size = 3, a server setting), so leaving them out in every store makes
 * the embedded and the distributed search find the same expedientes.
 */
export const minimumTermLength = 3;
/** More words than this narrow nothing down a person would notice, and cost the store. */
export const maximumTerms = 10;

/**
 * The words of what a user typed, as the index matches them: runs of letters and digits
 * (anything else, search operators included, separates words), lower case, each once. Every
 * word must be found, as a word or the start of one (`anal` finds `análisis`).
 */
export function searchTerms(text: string | undefined): readonly string[] {
  const words =
    (text ?? '')
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const terms = words.filter((word) => [...word].length >= minimumTermLength);
  return [...new Set(terms)].slice(0, maximumTerms);
}

export interface SearchFilters {
  /** Code of the phase the expediente is in. */
  readonly fase?: string;
  readonly estado?: EstadoDeExpediente;
  readonly opcionInicial?: OpcionInicial;
  /** Created at or after. */
  readonly desde?: Date;
  /** Created at or before. */
  readonly hasta?: Date;
}

export const defaultPageSize = 20;
export const maximumPageSize = 100;

/** A search as the index runs it: its words already extracted with `searchTerms`. */
export interface SearchQuery {
  /** None: every expediente that passes the filters, newest first. */
  readonly terms: readonly string[];
  readonly filters: SearchFilters;
  /** From 1. */
  readonly page: number;
  readonly pageSize: number;
}

/** An expediente a search can find: one whose own events have arrived. */
export type FoundExpediente = IndexedExpediente & { readonly datos: DatosDeExpediente };

export interface SearchHit {
  readonly expediente: FoundExpediente;
  /** Relevance to the words searched, higher is better; null for a search without words. */
  readonly score: number | null;
}

export interface SearchPage {
  /** Most relevant first, then newest first. */
  readonly hits: readonly SearchHit[];
  /** Matches over all pages. */
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}
