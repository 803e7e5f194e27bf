import { DomainEvent, Documento, Fase } from '@expedientes/shared-kernel';
import { OpcionInicial } from './opcion-inicial';

/**
 * What happens to an expediente, as its stream keeps it. Every event names the user who caused
 * it (`por`); the payload is primitive, never the whole aggregate.
 */

export type ExpedienteSolicitado = DomainEvent<
  'expedientes.expediente.solicitado.v1',
  {
    expedienteId: string;
    codigo: string;
    opcionInicial: OpcionInicial;
    descripcion: string;
    documentIds: string[];
    por: string;
  }
>;

/** Carries what the published `ExpedienteAbierto` needs, so publishing needs no fold. */
export type ExpedienteAbierto = DomainEvent<
  'expedientes.expediente.abierto.v1',
  {
    expedienteId: string;
    codigo: string;
    opcionInicial: OpcionInicial;
    descripcion: string;
    fase: Fase;
    documentos: Documento[];
    /** The last day of the phase's plazo (YYYY-MM-DD); null: none; absent: from before plazos. */
    vencimiento?: string | null;
    por: string;
  }
>;

export type CreacionRechazada = DomainEvent<
  'expedientes.expediente.creacion-rechazada.v1',
  {
    expedienteId: string;
    codigo: string;
    /** The code of the refusal (`DOCUMENTS.NOT_FOUND`), when the one who refused gave one. */
    causa: string | null;
    motivo: string;
    por: string;
  }
>;

export type DescripcionEditada = DomainEvent<
  'expedientes.expediente.descripcion-editada.v1',
  { expedienteId: string; descripcion: string; anterior: string; por: string }
>;

/**
 * `paso` is the number bpm gave the transition it followed (see bpm's `fase.cambiada`); events
 * recorded before bpm numbered them, or from a reply without one, have none. `motivo` is the
 * user's reason, where they gave one (the procedure asks for it on a rejection).
 */
export type FaseCambiada = DomainEvent<
  'expedientes.expediente.fase-cambiada.v1',
  {
    expedienteId: string;
    desde: Fase;
    hacia: Fase;
    paso?: number;
    motivo?: string;
    /** The last day of the new phase's plazo; null: none; absent: from before plazos. */
    vencimiento?: string | null;
    por: string;
  }
>;

/**
 * bpm counted the plazo of the current phase again (the working calendar changed): `paso` is
 * the transition that entered the phase (0: the initial phase).
 */
export type PlazoRecalculado = DomainEvent<
  'expedientes.expediente.plazo-recalculado.v1',
  { expedienteId: string; paso: number; vencimiento: string | null; por: string }
>;

export type DocumentoAdjuntado = DomainEvent<
  'expedientes.expediente.documento-adjuntado.v1',
  { expedienteId: string; documento: Documento; por: string }
>;

/** A user's comment: plain text with line breaks, and the users it mentions (`@username`). */
export type ComentarioAnadido = DomainEvent<
  'expedientes.expediente.comentario-anadido.v1',
  { expedienteId: string; texto: string; menciones: string[]; por: string }
>;

/** Who has the expediente now (`asignadoA`; null: nobody), and who had it. */
export type AsignacionCambiada = DomainEvent<
  'expedientes.expediente.asignacion-cambiada.v1',
  { expedienteId: string; asignadoA: string | null; anterior: string | null; por: string }
>;

export type EventoDeExpediente =
  | ExpedienteSolicitado
  | ExpedienteAbierto
  | CreacionRechazada
  | DescripcionEditada
  | FaseCambiada
  | DocumentoAdjuntado
  | ComentarioAnadido
  | AsignacionCambiada
  | PlazoRecalculado;

export type TipoDeEvento = EventoDeExpediente['type'];

export const tiposDeEvento: readonly TipoDeEvento[] = [
  'expedientes.expediente.solicitado.v1',
  'expedientes.expediente.abierto.v1',
  'expedientes.expediente.creacion-rechazada.v1',
  'expedientes.expediente.descripcion-editada.v1',
  'expedientes.expediente.fase-cambiada.v1',
  'expedientes.expediente.documento-adjuntado.v1',
  'expedientes.expediente.comentario-anadido.v1',
  'expedientes.expediente.asignacion-cambiada.v1',
  'expedientes.expediente.plazo-recalculado.v1',
];

export const esTipoDeEvento = (type: string): type is TipoDeEvento =>
  (tiposDeEvento as readonly string[]).includes(type);
