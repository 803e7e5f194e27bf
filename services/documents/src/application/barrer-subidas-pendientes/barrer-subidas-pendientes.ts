import type { Clock } from '@expedientes/shared-kernel';
import type { AlmacenDeContenidos } from '../almacen-de-contenidos';
import type { DocumentoRepository } from '../documento-repository';

/**
 * Removes the staged uploads no expediente has claimed within their time to live: the
 * document first, so nobody finds it without its content, then the content of every version.
 */
export class BarrerSubidasPendientes {
  constructor(
    private readonly documentos: DocumentoRepository,
    private readonly contenidos: AlmacenDeContenidos,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** How many documents it removed. */
  async ejecutar(): Promise<number> {
    const limite = new Date(this.clock().getTime() - this.ttlMs);
    let eliminados = 0;
    for (const documento of await this.documentos.abandonadosAntesDe(limite)) {
      // Claimed or given a new version since it was read: it stays.
      if (!documento.abandonadoAntesDe(limite) || !(await this.documentos.eliminar(documento))) {
        continue;
      }
      await this.contenidos.eliminar(documento.versiones.map((version) => version.contentId));
      eliminados += 1;
    }
    return eliminados;
  }
}
