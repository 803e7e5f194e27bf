import type { FileDownload } from '@expedientes/shared-kernel';
import type { VersionDeDocumento } from '../../domain/documento';
import { DocumentoNoEncontrado } from '../../domain/errores';
import type { AlmacenDeContenidos } from '../almacen-de-contenidos';
import type { DocumentoRepository } from '../documento-repository';

export interface DescargarContenidoQuery {
  readonly documentId: string;
  /** The latest when not given. */
  readonly version?: number;
}

export interface ContenidoADescargar {
  readonly version: VersionDeDocumento;
  /** Streamed from the store; destroy it when it is not read to the end. */
  readonly contenido: FileDownload['content'];
}

export class DescargarContenido {
  constructor(
    private readonly documentos: DocumentoRepository,
    private readonly contenidos: AlmacenDeContenidos,
  ) {}

  /** @throws DocumentoNoEncontrado, VersionNoEncontrada, ContentNotFoundError */
  async ejecutar({ documentId, version }: DescargarContenidoQuery): Promise<ContenidoADescargar> {
    const documento = await this.documentos.buscar(documentId);
    if (!documento) throw new DocumentoNoEncontrado([documentId]);
    const elegida = version === undefined ? documento.ultimaVersion : documento.version(version);
    const { content } = await this.contenidos.abrir(elegida.contentId);
    return { version: elegida, contenido: content };
  }
}
