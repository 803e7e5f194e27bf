import type { Actor, Clock } from '@expedientes/shared-kernel';
import type { Documento } from '../../domain/documento';
import { DocumentoNoEncontrado, ExpedienteCerrado } from '../../domain/errores';
import { nombreDeDocumento } from '../../domain/nombre-de-documento';
import type { AlmacenDeContenidos } from '../almacen-de-contenidos';
import { exigirQuienSube } from '../autorizacion';
import type { DocumentoRepository } from '../documento-repository';
import type { ExpedientesCerrados } from '../expedientes-cerrados';
import { causaDePeticion, type MensajesDeDocumentos } from '../mensajes';

export interface SubirVersionCommand {
  readonly documentId: string;
  /** A new file name; without one the version keeps the latest one. */
  readonly nombre: string | undefined;
  readonly contenido: AsyncIterable<Uint8Array>;
  readonly actor: Actor;
  readonly correlationId: string;
}

/**
 * Adds a version to a document, staged or claimed by an expediente that has not ended:
 * earlier versions stay as they were.
 */
export class SubirVersion {
  constructor(
    private readonly documentos: DocumentoRepository,
    private readonly contenidos: AlmacenDeContenidos,
    private readonly mensajes: MensajesDeDocumentos,
    private readonly clock: Clock,
    private readonly cerrados: ExpedientesCerrados,
  ) {}

  /** @throws ForbiddenError, DocumentoNoEncontrado, ExpedienteCerrado, NombreDeDocumentoInvalido, DocumentoModificadoALaVez */
  async ejecutar(command: SubirVersionCommand): Promise<Documento> {
    const { documentId, actor } = command;
    exigirQuienSube(actor);
    const documento = await this.documentos.buscar(documentId);
    if (!documento) throw new DocumentoNoEncontrado([documentId]);
    const { expedienteId } = documento;
    if (expedienteId !== null && (await this.cerrados.estaCerrado(expedienteId))) {
      throw new ExpedienteCerrado(expedienteId);
    }
    const nombre =
      command.nombre === undefined
        ? documento.ultimaVersion.nombre
        : nombreDeDocumento(command.nombre);
    const subido = await this.contenidos.almacenar(command.contenido, {
      documentId,
      nombre,
      subidoPor: actor.userId,
    });
    documento.añadirVersion(subido, this.clock());
    const mensajes = this.mensajes.deEventos(
      documento.extraerEventos(),
      causaDePeticion(actor, command.correlationId),
    );
    await this.contenidos.conservarSi(subido.contentId, () =>
      this.documentos.guardar([documento], mensajes),
    );
    return documento;
  }
}
