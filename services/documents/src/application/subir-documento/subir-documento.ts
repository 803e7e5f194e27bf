import type { Actor, Clock, IdGenerator } from '@expedientes/shared-kernel';
import { Documento } from '../../domain/documento';
import { nombreDeDocumento } from '../../domain/nombre-de-documento';
import type { AlmacenDeContenidos } from '../almacen-de-contenidos';
import { exigirQuienSube } from '../autorizacion';
import type { DocumentoRepository } from '../documento-repository';
import { causaDePeticion, type MensajesDeDocumentos } from '../mensajes';

export interface SubirDocumentoCommand {
  /** The file name as the client gave it; checked before any byte is read. */
  readonly nombre: string | undefined;
  readonly contenido: AsyncIterable<Uint8Array>;
  readonly actor: Actor;
  readonly correlationId: string;
}

/** A new staged document with its first version, waiting for an expediente to claim it. */
export class SubirDocumento {
  constructor(
    private readonly documentos: DocumentoRepository,
    private readonly contenidos: AlmacenDeContenidos,
    private readonly mensajes: MensajesDeDocumentos,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
  ) {}

  async ejecutar({
    nombre,
    contenido,
    actor,
    correlationId,
  }: SubirDocumentoCommand): Promise<Documento> {
    exigirQuienSube(actor);
    const documentId = this.newId();
    const subido = await this.contenidos.almacenar(contenido, {
      documentId,
      nombre: nombreDeDocumento(nombre),
      subidoPor: actor.userId,
    });
    const documento = Documento.subir(documentId, subido, this.clock());
    const mensajes = this.mensajes.deEventos(
      documento.extraerEventos(),
      causaDePeticion(actor, correlationId),
    );
    await this.contenidos.conservarSi(subido.contentId, () =>
      this.documentos.guardar([documento], mensajes),
    );
    return documento;
  }
}
