import { Actor } from '@expedientes/shared-kernel';
import { requireRole, STAFF_ROLES } from '@expedientes/shared-kernel/adapters/runtime';
import {
  type ConsultarDocumento,
  vistaDeDocumento,
} from '../../application/consultar-documento/consultar-documento';
import type { DescargarContenido } from '../../application/descargar-contenido/descargar-contenido';
import type { SubirDocumento } from '../../application/subir-documento/subir-documento';
import type { SubirVersion } from '../../application/subir-version/subir-version';
import { ROLES_QUE_SUBEN } from '../../application/autorizacion';

/** The use cases the service answers requests with. */
export interface DocumentsUseCases {
  readonly subir: SubirDocumento;
  readonly subirVersion: SubirVersion;
  readonly consultar: ConsultarDocumento;
  readonly descargar: DescargarContenido;
}

/** Who calls, as the transport established it (a verified token), and in which conversation. */
export interface EndpointCaller {
  readonly actor: Actor;
  readonly correlationId: string;
}

/** A file as it arrives: its name as the client gave it, its bytes as they stream in. */
export interface ArchivoSubido {
  readonly nombre: string | undefined;
  readonly contenido: AsyncIterable<Uint8Array>;
}

/**
 * The service's API apart from its transport: each request's roles and the use case that
 * answers it. The HTTP router serves it to other processes; the embedded gateway calls it in
 * its own process. The roles are checked before a byte of the request is read; a caller
 * without a role that works with expedientes is refused everything.
 */
export class DocumentsEndpoints {
  constructor(private readonly useCases: DocumentsUseCases) {}

  async upload(archivo: ArchivoSubido, caller: EndpointCaller) {
    this.mayUpload(caller);
    const documento = await this.useCases.subir.ejecutar({ ...archivo, ...caller });
    return vistaDeDocumento(documento);
  }

  async uploadVersion(documentId: string, archivo: ArchivoSubido, caller: EndpointCaller) {
    this.mayUpload(caller);
    const documento = await this.useCases.subirVersion.ejecutar({
      documentId,
      ...archivo,
      ...caller,
    });
    return vistaDeDocumento(documento);
  }

  get(documentId: string, caller: EndpointCaller) {
    this.staff(caller);
    return this.useCases.consultar.ejecutar(documentId);
  }

  /** A version's description and its bytes (the latest version when `version` is absent). */
  download(documentId: string, version: number | undefined, caller: EndpointCaller) {
    this.staff(caller);
    return this.useCases.descargar.ejecutar({ documentId, version });
  }

  /** Refuses a caller who may not upload, for a transport to ask before it reads the upload. */
  mayUpload(caller: EndpointCaller): void {
    this.staff(caller);
    requireRole(caller.actor, ROLES_QUE_SUBEN, 'subir documentos');
  }

  private staff(caller: EndpointCaller): void {
    requireRole(caller.actor, STAFF_ROLES, 'los documentos');
  }
}
