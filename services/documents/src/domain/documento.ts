import { DocumentoNoEncontrado, DocumentoYaRegistrado, VersionNoEncontrada } from './errores';
import { nombreDeDocumento } from './nombre-de-documento';

/** One upload of a document's content; versions are never changed, only added. */
export interface VersionDeDocumento {
  readonly version: number;
  readonly nombre: string;
  /** Where the content is, in the content store. */
  readonly contentId: string;
  /** Detected from the content itself, never taken from the client. */
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly subidoAt: Date;
  readonly subidoPor: string;
}

/** Content just stored, to become a new version. */
export type ContenidoSubido = Omit<VersionDeDocumento, 'version' | 'subidoAt'>;

/** Everything a document is, as its repository stores it. */
export interface DatosDeDocumento {
  readonly id: string;
  readonly versiones: readonly VersionDeDocumento[];
  /** The expediente that claimed it; null while it is a staged upload. */
  readonly expedienteId: string | null;
  /** Since when it waits unclaimed (upload or release); null while claimed. */
  readonly pendienteDesde: Date | null;
  /** Saves so far: 0 for a document not stored yet. The repository checks it on save. */
  readonly revision: number;
}

export type EventoDeDocumento =
  | {
      readonly tipo: 'DocumentoSubido';
      readonly documentId: string;
      readonly version: VersionDeDocumento;
      readonly expedienteId: string | null;
    }
  | {
      readonly tipo: 'DocumentoRegistrado';
      readonly documentId: string;
      readonly expedienteId: string;
    }
  | {
      readonly tipo: 'DocumentoLiberado';
      readonly documentId: string;
      readonly expedienteId: string;
    };

/**
 * A document: its versions, and the expediente it belongs to once one claims it. Until then it
 * is a staged upload, removed when it has waited too long.
 */
export class Documento {
  private eventos: EventoDeDocumento[] = [];

  private constructor(private datos: DatosDeDocumento) {}

  /** A new document with its first version, waiting for an expediente to claim it. */
  static subir(id: string, contenido: ContenidoSubido, at: Date): Documento {
    const documento = new Documento({
      id,
      versiones: [],
      expedienteId: null,
      pendienteDesde: at,
      revision: 0,
    });
    documento.añadirVersion(contenido, at);
    return documento;
  }

  static desde(datos: DatosDeDocumento): Documento {
    return new Documento(datos);
  }

  get id(): string {
    return this.datos.id;
  }

  get expedienteId(): string | null {
    return this.datos.expedienteId;
  }

  get versiones(): readonly VersionDeDocumento[] {
    return this.datos.versiones;
  }

  get ultimaVersion(): VersionDeDocumento {
    return this.datos.versiones[this.datos.versiones.length - 1];
  }

  get primeraVersion(): VersionDeDocumento {
    return this.datos.versiones[0];
  }

  /** @throws VersionNoEncontrada */
  version(numero: number): VersionDeDocumento {
    const version = this.datos.versiones.find((each) => each.version === numero);
    if (!version) throw new VersionNoEncontrada(this.id, numero);
    return version;
  }

  /** Keeps the name of the latest version when the new one comes without one. */
  añadirVersion(contenido: ContenidoSubido, at: Date): VersionDeDocumento {
    const version: VersionDeDocumento = {
      ...contenido,
      nombre: nombreDeDocumento(contenido.nombre),
      version: this.datos.versiones.length + 1,
      subidoAt: at,
    };
    const { expedienteId } = this.datos;
    this.datos = {
      ...this.datos,
      versiones: [...this.datos.versiones, version],
      // A staged upload still being worked on is not abandoned.
      pendienteDesde: expedienteId === null ? at : null,
    };
    this.eventos.push({ tipo: 'DocumentoSubido', documentId: this.id, version, expedienteId });
    return version;
  }

  /** Idempotent for the expediente that has it already. @throws DocumentoYaRegistrado */
  registrarEn(expedienteId: string): void {
    if (this.datos.expedienteId === expedienteId) return;
    if (this.datos.expedienteId !== null) throw new DocumentoYaRegistrado([this.id]);
    this.datos = { ...this.datos, expedienteId, pendienteDesde: null };
    this.eventos.push({ tipo: 'DocumentoRegistrado', documentId: this.id, expedienteId });
  }

  /**
   * Gives the document back to staging, where it waits anew; nothing to do unless that
   * expediente has it. True when it changed.
   */
  liberarDe(expedienteId: string, at: Date): boolean {
    if (this.datos.expedienteId !== expedienteId) return false;
    this.datos = { ...this.datos, expedienteId: null, pendienteDesde: at };
    this.eventos.push({ tipo: 'DocumentoLiberado', documentId: this.id, expedienteId });
    return true;
  }

  /** A staged upload nobody has claimed or touched since before `limite`. */
  abandonadoAntesDe(limite: Date): boolean {
    const { pendienteDesde } = this.datos;
    return pendienteDesde !== null && pendienteDesde.getTime() < limite.getTime();
  }

  datosParaGuardar(): DatosDeDocumento {
    return this.datos;
  }

  /** The events since it was loaded, handed over once. */
  extraerEventos(): EventoDeDocumento[] {
    const eventos = this.eventos;
    this.eventos = [];
    return eventos;
  }
}

/**
 * Claims `documentIds` for the expediente, all or none: any unknown document, or one another
 * expediente has, refuses the lot before anything changes. Documents already claimed by this
 * expediente stay so (a repeated command is no error).
 * @throws DocumentoNoEncontrado, DocumentoYaRegistrado
 */
export function registrarEnExpediente(
  expedienteId: string,
  documentIds: readonly string[],
  encontrados: readonly Documento[],
): Documento[] {
  const porId = new Map(encontrados.map((documento) => [documento.id, documento]));
  const faltan = documentIds.filter((id) => !porId.has(id));
  if (faltan.length > 0) throw new DocumentoNoEncontrado(faltan);
  const documentos = documentIds.map((id) => porId.get(id) as Documento);
  const ajenos = documentos.filter(
    (documento) => documento.expedienteId !== null && documento.expedienteId !== expedienteId,
  );
  if (ajenos.length > 0) throw new DocumentoYaRegistrado(ajenos.map((documento) => documento.id));
  for (const documento of documentos) documento.registrarEn(expedienteId);
  return documentos;
}

/** Releases those of `documentos` the expediente has; returns the ones that changed. */
export const liberarDeExpediente = (
  expedienteId: string,
  documentos: readonly Documento[],
  at: Date,
): Documento[] => documentos.filter((documento) => documento.liberarDe(expedienteId, at));
