import type { Documento, VersionDeDocumento } from '../../domain/documento';
import { DocumentoNoEncontrado } from '../../domain/errores';
import type { DocumentoRepository } from '../documento-repository';

export interface VistaDeVersion {
  readonly version: number;
  readonly nombre: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly subidoAt: string;
  readonly subidoPor: string;
}

/** A document as its API shows it: the latest version's facts first, then every version. */
export interface VistaDeDocumento extends Omit<VistaDeVersion, 'subidoAt' | 'subidoPor'> {
  readonly documentId: string;
  /** Null while it is a staged upload. */
  readonly expedienteId: string | null;
  readonly subidoAt: string;
  readonly subidoPor: string;
  readonly actualizadoAt: string;
  readonly actualizadoPor: string;
  readonly versiones: readonly VistaDeVersion[];
}

const vistaDeVersion = (version: VersionDeDocumento): VistaDeVersion => ({
  version: version.version,
  nombre: version.nombre,
  mediaType: version.mediaType,
  size: version.size,
  sha256: version.sha256,
  subidoAt: version.subidoAt.toISOString(),
  subidoPor: version.subidoPor,
});

export function vistaDeDocumento(documento: Documento): VistaDeDocumento {
  const primera = vistaDeVersion(documento.primeraVersion);
  const ultima = vistaDeVersion(documento.ultimaVersion);
  return {
    documentId: documento.id,
    ...ultima,
    expedienteId: documento.expedienteId,
    subidoAt: primera.subidoAt,
    subidoPor: primera.subidoPor,
    actualizadoAt: ultima.subidoAt,
    actualizadoPor: ultima.subidoPor,
    versiones: documento.versiones.map(vistaDeVersion),
  };
}

export class ConsultarDocumento {
  constructor(private readonly documentos: DocumentoRepository) {}

  /** @throws DocumentoNoEncontrado */
  async ejecutar(documentId: string): Promise<VistaDeDocumento> {
    const documento = await this.documentos.buscar(documentId);
    if (!documento) throw new DocumentoNoEncontrado([documentId]);
    return vistaDeDocumento(documento);
  }
}
