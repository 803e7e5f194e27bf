import { CodigoDeExpediente } from './codigo-de-expediente';
import {
  DescripcionDemasiadoLargaError,
  DocumentoRepetidoError,
  SinDocumentosError,
} from './errors';
import { OpcionInicial, opcionInicial } from './opcion-inicial';

export const MAXIMO_DESCRIPCION = 4_000;

export function descripcionValida(texto: string): string {
  const descripcion = texto.trim();
  if (descripcion.length > MAXIMO_DESCRIPCION) {
    throw new DescripcionDemasiadoLargaError(MAXIMO_DESCRIPCION);
  }
  return descripcion;
}

/**
 * What a user asks for when opening an expediente, checked before anything is reserved or sent:
 * a valid code, one of the initial options, a description, and the documents already uploaded.
 */
export class SolicitudDeExpediente {
  private constructor(
    readonly codigo: CodigoDeExpediente,
    readonly opcionInicial: OpcionInicial,
    readonly descripcion: string,
    readonly documentIds: readonly string[],
  ) {}

  static crear(datos: {
    codigo: string;
    opcionInicial: string;
    descripcion: string;
    documentIds: readonly string[];
  }): SolicitudDeExpediente {
    const documentIds = datos.documentIds.map((id) => id.trim()).filter(Boolean);
    if (documentIds.length === 0) throw new SinDocumentosError();
    const repetido = documentIds.find((id, index) => documentIds.indexOf(id) !== index);
    if (repetido) throw new DocumentoRepetidoError(repetido);
    return new SolicitudDeExpediente(
      CodigoDeExpediente.crear(datos.codigo),
      opcionInicial(datos.opcionInicial),
      descripcionValida(datos.descripcion),
      documentIds,
    );
  }
}
