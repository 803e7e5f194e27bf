import { Documento, Fase } from '@expedientes/shared-kernel';
import { EstadoDeExpediente } from '../../domain/expediente';
import { nombreDeOpcionInicial, OpcionInicial } from '../../domain/opcion-inicial';
import { RecordedExpedienteEvent } from '../expediente-stream';

/** One stay in a phase; `salida*` are null while the expediente is in it. */
export interface PasoPorFase {
  readonly fase: Fase;
  readonly entradaAt: string;
  readonly entradaPor: string;
  readonly salidaAt: string | null;
  readonly salidaPor: string | null;
  /** Why the user moved it into this phase, where they said. */
  readonly motivo?: string;
  /** The last day of the phase's plazo, where bpm gave one. */
  readonly vencimiento?: string;
}

export interface VersionDeDocumento {
  readonly version: number;
  readonly nombre: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly subidoAt: string;
  readonly subidoPor: string;
}

/**
 * A document as the detail shows it: its latest version's name, size and hash, when and by whom
 * it was first uploaded and last updated, and every version.
 */
export interface DocumentoEnDetalle {
  readonly documentId: string;
  readonly nombre: string;
  readonly mediaType: string;
  readonly version: number;
  readonly size: number;
  readonly sha256: string;
  readonly subidoAt: string;
  readonly subidoPor: string;
  readonly actualizadoAt: string;
  readonly actualizadoPor: string;
  readonly versiones: readonly VersionDeDocumento[];
}

/** A comment, as the detail lists them, oldest first. */
export interface ComentarioEnDetalle {
  /** The expediente's version the comment made: its place among the other changes. */
  readonly version: number;
  readonly texto: string;
  readonly menciones: readonly string[];
  readonly por: string;
  readonly at: string;
}

export interface ExpedienteDetail {
  readonly id: string;
  readonly codigo: string;
  readonly opcionInicial: OpcionInicial;
  readonly opcionInicialNombre: string;
  readonly descripcion: string;
  readonly estado: EstadoDeExpediente;
  /** Why its creation was rejected, with the refusal's code where there is one. */
  readonly rechazo: { readonly causa: string | null; readonly motivo: string } | null;
  readonly creadoAt: string;
  readonly creadoPor: string;
  readonly actualizadoAt: string;
  readonly actualizadoPor: string;
  readonly fase: Fase | null;
  readonly historialDeFases: readonly PasoPorFase[];
  readonly documentos: readonly DocumentoEnDetalle[];
  readonly comentarios: readonly ComentarioEnDetalle[];
  /** Who has it to work on; null: nobody. */
  readonly asignadoA: string | null;
  /** The last day of the current phase's plazo (YYYY-MM-DD); null: none, or closed. */
  readonly vencimiento: string | null;
  /** The expediente's version: what an edit names as the one it changes. */
  readonly version: number;
}

/** The detail projection: pure, so a rebuild is a replay and `asOf` a partial one. */
export function evolveDetail(
  detail: ExpedienteDetail | null,
  recorded: RecordedExpedienteEvent,
): ExpedienteDetail | null {
  const { event } = recorded;
  const at = event.occurredAt;
  if (event.type === 'expedientes.expediente.solicitado.v1') {
    return {
      id: event.data.expedienteId,
      codigo: event.data.codigo,
      opcionInicial: event.data.opcionInicial,
      opcionInicialNombre: nombreDeOpcionInicial(event.data.opcionInicial),
      descripcion: event.data.descripcion,
      estado: 'pendiente',
      rechazo: null,
      creadoAt: at,
      creadoPor: event.data.por,
      actualizadoAt: at,
      actualizadoPor: event.data.por,
      fase: null,
      historialDeFases: [],
      documentos: [],
      comentarios: [],
      asignadoA: null,
      vencimiento: null,
      version: recorded.streamVersion,
    };
  }
  if (!detail) return null; // its first event was never seen: nothing to build on
  const por = event.data.por;
  const touched = {
    ...withCurrentFields(detail),
    actualizadoAt: at,
    actualizadoPor: por,
    version: recorded.streamVersion,
  };
  switch (event.type) {
    case 'expedientes.expediente.abierto.v1':
      return {
        ...touched,
        estado: 'abierto',
        fase: event.data.fase,
        vencimiento: event.data.vencimiento ?? null,
        historialDeFases: [entrada(event.data.fase, at, por, undefined, event.data.vencimiento)],
        documentos: event.data.documentos.reduce(conVersion, touched.documentos),
      };
    case 'expedientes.expediente.creacion-rechazada.v1':
      return {
        ...touched,
        estado: 'creacion_rechazada',
        rechazo: { causa: event.data.causa, motivo: event.data.motivo },
      };
    case 'expedientes.expediente.descripcion-editada.v1':
      return { ...touched, descripcion: event.data.descripcion };
    case 'expedientes.expediente.fase-cambiada.v1': {
      const { hacia, motivo, vencimiento } = event.data;
      const salida = touched.historialDeFases.map((paso) =>
        paso.salidaAt === null ? { ...paso, salidaAt: at, salidaPor: por } : paso,
      );
      return {
        ...touched,
        fase: hacia,
        estado: hacia.final ? 'finalizado' : touched.estado,
        vencimiento: vencimiento ?? null,
        historialDeFases: [...salida, entrada(hacia, at, por, motivo, vencimiento)],
      };
    }
    case 'expedientes.expediente.documento-adjuntado.v1':
      return { ...touched, documentos: conVersion(touched.documentos, event.data.documento) };
    case 'expedientes.expediente.comentario-anadido.v1': {
      const { texto, menciones } = event.data;
      const comentario = { version: recorded.streamVersion, texto, menciones, por, at };
      return { ...touched, comentarios: [...touched.comentarios, comentario] };
    }
    case 'expedientes.expediente.asignacion-cambiada.v1':
      return { ...touched, asignadoA: event.data.asignadoA };
    case 'expedientes.expediente.plazo-recalculado.v1': {
      const { vencimiento } = event.data;
      const historialDeFases = touched.historialDeFases.map((paso) =>
        paso.salidaAt !== null ? paso : { ...sinVencimiento(paso), ...siHay(vencimiento) },
      );
      return { ...touched, vencimiento, historialDeFases };
    }
  }
}

const siHay = (vencimiento: string | null | undefined) =>
  vencimiento == null ? {} : { vencimiento };

const sinVencimiento = ({ vencimiento: _, ...paso }: PasoPorFase): PasoPorFase => paso;

/** A detail as stored before it had every field of today's (comments, assignment and plazos came later). */
export const withCurrentFields = (
  detail: Omit<ExpedienteDetail, 'comentarios' | 'asignadoA' | 'vencimiento'> &
    Partial<ExpedienteDetail>,
): ExpedienteDetail =>
  detail.comentarios && detail.asignadoA !== undefined && detail.vencimiento !== undefined
    ? (detail as ExpedienteDetail)
    : {
        ...detail,
        comentarios: detail.comentarios ?? [],
        asignadoA: detail.asignadoA ?? null,
        vencimiento: detail.vencimiento ?? null,
      };

const entrada = (
  fase: Fase,
  at: string,
  por: string,
  motivo?: string,
  vencimiento?: string | null,
): PasoPorFase => ({
  fase,
  entradaAt: at,
  entradaPor: por,
  salidaAt: null,
  salidaPor: null,
  ...(motivo === undefined ? {} : { motivo }),
  ...siHay(vencimiento),
});

/** The documents with `documento` added as a new document or as the latest version of one. */
function conVersion(
  documentos: readonly DocumentoEnDetalle[],
  documento: Documento,
): readonly DocumentoEnDetalle[] {
  const version: VersionDeDocumento = {
    version: documento.version,
    nombre: documento.nombre,
    mediaType: documento.mediaType,
    size: documento.size,
    sha256: documento.sha256,
    subidoAt: documento.subidoAt,
    subidoPor: documento.subidoPor,
  };
  const existente = documentos.find((each) => each.documentId === documento.documentId);
  const versiones = [...(existente?.versiones ?? []), version];
  const primera = versiones[0];
  const actualizado: DocumentoEnDetalle = {
    documentId: documento.documentId,
    nombre: version.nombre,
    mediaType: version.mediaType,
    version: version.version,
    size: version.size,
    sha256: version.sha256,
    subidoAt: primera.subidoAt,
    subidoPor: primera.subidoPor,
    actualizadoAt: version.subidoAt,
    actualizadoPor: version.subidoPor,
    versiones,
  };
  return existente
    ? documentos.map((each) => (each === existente ? actualizado : each))
    : [...documentos, actualizado];
}
