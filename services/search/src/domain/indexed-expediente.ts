/**
 * What the search index knows of one expediente: the fold of the integration events about it.
 * It is a read model, so it holds plain data (ISO-8601 times, codes) and no behaviour.
 */

/** Where an expediente stands, in the users' words. */
export const estadosDeExpediente = ['pendiente', 'abierto', 'finalizado', 'rechazado'] as const;
export type EstadoDeExpediente = (typeof estadosDeExpediente)[number];

/** How an expediente came in, as the published language names it. */
export const opcionesIniciales = ['SEDE_ELECTRONICA', 'PETICION_DEPARTAMENTO'] as const;
export type OpcionInicial = (typeof opcionesIniciales)[number];

export interface FaseIndexada {
  readonly codigo: string;
  readonly nombre: string;
}

export interface DocumentoIndexado {
  readonly documentId: string;
  readonly nombre: string;
  /** The latest version seen: an older one arriving late does not rename the document. */
  readonly version: number;
}

/** The expediente's own facts, known once one of its own events (solicitado, abierto) arrived. */
export interface DatosDeExpediente {
  readonly codigo: string;
  readonly descripcion: string;
  readonly opcionInicial: OpcionInicial;
  /** Null while the creation is pending: the process has not started yet. */
  readonly fase: FaseIndexada | null;
  readonly estado: EstadoDeExpediente;
  readonly creadoPor: string;
  readonly creadoAt: string;
}

export interface IndexedExpediente {
  readonly expedienteId: string;
  /**
   * Null while only documents' events have arrived: they travel on another topic than the
   * expediente's own, so in a replay they may come first. Such an entry is kept (so the
   * document names are not lost) but never found by a search.
   */
  readonly datos: DatosDeExpediente | null;
  readonly documentos: readonly DocumentoIndexado[];
  /** When the last event applied happened. */
  readonly actualizadoAt: string;
}

/**
 * Adds or renames a document, keeping its place in the list. Merging keeps the highest
 * version, so the result does not depend on the order the versions arrive in.
 */
export function conDocumento(
  documentos: readonly DocumentoIndexado[],
  documento: DocumentoIndexado,
): readonly DocumentoIndexado[] {
  const index = documentos.findIndex((each) => each.documentId === documento.documentId);
  if (index === -1) return [...documentos, documento];
  if (documentos[index].version >= documento.version) return documentos;
  return documentos.map((each, position) => (position === index ? documento : each));
}

/** The later of two ISO-8601 instants. */
export const laterOf = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);
