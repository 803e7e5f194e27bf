import { EstadoDeExpediente } from '../model/common';
import {
  Asignacion,
  ComentarioAnadido,
  DescripcionEditada,
  DocumentoAdjuntado,
  Expediente,
  ExpedienteAbierto,
  FaseCambiada,
  Historial,
  Operacion,
  Outcome,
  PaginaDeExpedientes,
} from '../model/expedientes';
import { CallContext } from './caller';

export interface SolicitudDeApertura {
  readonly codigo: string;
  readonly opcionInicial: string;
  readonly descripcion: string;
  /** Documents already uploaded to documents, staged until the expediente claims them. */
  readonly documentIds: readonly string[];
}

export interface CriteriosDeLista {
  readonly fase?: string;
  readonly estado?: EstadoDeExpediente;
  readonly opcionInicial?: string;
  /** This code exactly, whatever its case. */
  readonly codigo?: string;
  readonly desde?: string;
  readonly hasta?: string;
  readonly q?: string;
  readonly asignadoA?: string;
  readonly sinAsignar?: boolean;
  readonly mencionado?: string;
  readonly sort?: 'codigo' | 'creadoAt' | 'fase' | 'vencimiento';
  readonly order?: 'asc' | 'desc';
  readonly page?: number;
  readonly pageSize?: number;
}

/** The expedientes service: the expediente aggregate, its sagas and its list and detail views. */
export interface ExpedientesApi {
  open(solicitud: SolicitudDeApertura, call: CallContext): Promise<Outcome<ExpedienteAbierto>>;
  list(criterios: CriteriosDeLista, call: CallContext): Promise<PaginaDeExpedientes>;
  /** As it stood at `asOf`, or as it is now: with every command that has answered. */
  get(
    expedienteId: string,
    wanted: { readonly asOf?: string },
    call: CallContext,
  ): Promise<Expediente>;
  editDescripcion(
    expedienteId: string,
    cambio: { readonly descripcion: string; readonly expectedVersion: number },
    call: CallContext,
  ): Promise<DescripcionEditada>;
  history(expedienteId: string, call: CallContext): Promise<Historial>;
  /** Plain text; the users it mentions (`@username`) are read from it. */
  comment(expedienteId: string, texto: string, call: CallContext): Promise<ComentarioAnadido>;
  /** To `asignadoA` (a username), or to nobody (null). */
  assign(expedienteId: string, asignadoA: string | null, call: CallContext): Promise<Asignacion>;
  /** `motivo`: the user's reason, which the procedure asks for on some transitions. */
  requestTransition(
    expedienteId: string,
    cambio: { readonly hacia: string; readonly motivo?: string },
    call: CallContext,
  ): Promise<Outcome<FaseCambiada>>;
  attachDocumento(
    expedienteId: string,
    documentId: string,
    call: CallContext,
  ): Promise<Outcome<DocumentoAdjuntado>>;
  saga(sagaId: string, call: CallContext): Promise<Operacion>;
}
