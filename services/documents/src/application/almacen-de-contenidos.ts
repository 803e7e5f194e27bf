import {
  describeError,
  type FileDownload,
  type FileStore,
  type Logger,
} from '@expedientes/shared-kernel';
import type { ContenidoSubido } from '../domain/documento';
import { DocumentoModificadoALaVez } from '../domain/errores';
import { DetectorDeTipoDeContenido } from '../domain/tipo-de-contenido';

export interface DatosDeSubida {
  readonly documentId: string;
  readonly nombre: string;
  readonly subidoPor: string;
}

/**
 * The documents' content in the FileStore: streamed in while its media type is detected, and
 * never left behind without a document pointing at it.
 */
export class AlmacenDeContenidos {
  constructor(
    private readonly files: FileStore,
    private readonly logger: Logger,
  ) {}

  /** @throws ContentTooLargeError when it is over the store's limit (nothing is kept). */
  async almacenar(
    contenido: AsyncIterable<Uint8Array>,
    { documentId, nombre, subidoPor }: DatosDeSubida,
  ): Promise<ContenidoSubido> {
    const detector = new DetectorDeTipoDeContenido();
    const observado = async function* () {
      for await (const trozo of contenido) {
        detector.observar(trozo);
        yield trozo;
      }
    };
    const stored = await this.files.upload(observado(), {
      filename: nombre,
      metadata: { documentId },
    });
    return {
      nombre,
      contentId: stored.id,
      mediaType: detector.tipo(),
      size: stored.length,
      sha256: stored.sha256,
      subidoPor,
    };
  }

  /**
   * Runs `guardar`; when the store refused the document (it changed meanwhile), the content
   * stored for it goes too. After any other failure the document may have been saved all the
   * same (a write whose answer was lost): its content stays, at worst as wasted space.
   */
  async conservarSi(contentId: string, guardar: () => Promise<void>): Promise<void> {
    try {
      await guardar();
    } catch (error) {
      if (error instanceof DocumentoModificadoALaVez) await this.eliminar([contentId]);
      throw error;
    }
  }

  abrir(contentId: string): Promise<FileDownload> {
    return this.files.openDownload(contentId);
  }

  /** Best effort: content that cannot be removed now is only wasted space, said in the log. */
  async eliminar(contentIds: readonly string[]): Promise<void> {
    for (const contentId of contentIds) {
      await this.files.delete(contentId).catch((error: unknown) => {
        this.logger.warn(
          { contentId, error: describeError(error) },
          'content could not be removed',
        );
      });
    }
  }
}
