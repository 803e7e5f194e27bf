import type { OutgoingMessage } from '@expedientes/shared-kernel';
import type { DocumentoRepository } from '../../../src/application/documento-repository';
import { type DatosDeDocumento, Documento } from '../../../src/domain/documento';
import { DocumentoModificadoALaVez } from '../../../src/domain/errores';

/** The repository in a Map, with the messages it was given, in order. */
export class InMemoryDocumentoRepository implements DocumentoRepository {
  private readonly guardados = new Map<string, DatosDeDocumento>();
  readonly mensajes: OutgoingMessage[] = [];
  /** Called before each save: a test can change a document "meanwhile". */
  antesDeGuardar: () => void = () => undefined;

  async buscar(id: string): Promise<Documento | null> {
    const datos = this.guardados.get(id);
    return datos ? Documento.desde(datos) : null;
  }

  async buscarVarios(ids: readonly string[]): Promise<Documento[]> {
    const encontrados = await Promise.all(ids.map((id) => this.buscar(id)));
    return encontrados.filter((documento): documento is Documento => documento !== null);
  }

  async guardar(documentos: readonly Documento[], mensajes: readonly OutgoingMessage[]) {
    this.antesDeGuardar();
    for (const documento of documentos) {
      const datos = documento.datosParaGuardar();
      if ((this.guardados.get(datos.id)?.revision ?? 0) !== datos.revision) {
        throw new DocumentoModificadoALaVez(datos.id);
      }
    }
    for (const documento of documentos) {
      const datos = documento.datosParaGuardar();
      this.guardados.set(datos.id, { ...datos, revision: datos.revision + 1 });
    }
    this.mensajes.push(...mensajes);
  }

  async abandonadosAntesDe(limite: Date): Promise<Documento[]> {
    return [...this.guardados.values()]
      .map((datos) => Documento.desde(datos))
      .filter((documento) => documento.abandonadoAntesDe(limite));
  }

  async eliminar(documento: Documento): Promise<boolean> {
    const { id, revision } = documento.datosParaGuardar();
    if (this.guardados.get(id)?.revision !== revision) return false;
    return this.guardados.delete(id);
  }

  /** Stores a document as it is, as if it had been saved before the test. */
  async dado(documento: Documento): Promise<Documento> {
    documento.extraerEventos();
    await this.guardar([documento], []);
    this.mensajes.length = 0;
    return (await this.buscar(documento.id)) as Documento;
  }

  tiposPublicados(): string[] {
    return this.mensajes.map(({ envelope }) => envelope.type);
  }
}
