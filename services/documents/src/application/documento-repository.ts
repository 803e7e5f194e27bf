import type { OutgoingMessage } from '@expedientes/shared-kernel';
import type { Documento } from '../domain/documento';

/**
 * Where documents are kept, with the messages their changes cause. Each document is saved
 * against the revision it was read at: a document changed meanwhile is not overwritten.
 */
export interface DocumentoRepository {
  buscar(id: string): Promise<Documento | null>;
  /** The ones that exist, in no particular order. */
  buscarVarios(ids: readonly string[]): Promise<Documento[]>;
  /**
   * Saves the documents' changes and the messages they caused: in one transaction where the
   * store has them (an outbox publishes the messages), otherwise by conditional writes, one per
   * document, and the messages published after the last one. A redelivered command re-runs
   * its handler, which finds its own earlier writes and answers again.
   * @throws DocumentoModificadoALaVez when one was changed or created meanwhile.
   */
  guardar(documentos: readonly Documento[], mensajes: readonly OutgoingMessage[]): Promise<void>;
  /** Staged uploads waiting since before `limite`: the candidates for removal. */
  abandonadosAntesDe(limite: Date): Promise<Documento[]>;
  /** Removes the document as read; false when it changed meanwhile (or is gone). */
  eliminar(documento: Documento): Promise<boolean>;
}
