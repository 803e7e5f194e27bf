/** The shapes of the public API v1 as the UI reads them (see /api/v1/openapi.json). */

export type OpcionInicial = 'SEDE_ELECTRONICA' | 'PETICION_DEPARTAMENTO';
export const OPCIONES_INICIALES: readonly OpcionInicial[] = [
  'SEDE_ELECTRONICA',
  'PETICION_DEPARTAMENTO',
];

export type EstadoDeExpediente = 'pendiente' | 'abierto' | 'finalizado' | 'creacion_rechazada';
export const ESTADOS: readonly EstadoDeExpediente[] = [
  'pendiente',
  'abierto',
  'finalizado',
  'creacion_rechazada',
];

/** The phases of the standard procedure, by code, for the list's filter. */
export const FASES = [
  'INICIAL',
  'ANALISIS_TECNICO',
  'VALIDACION',
  'FINALIZADO',
  'RECHAZADO',
] as const;

export interface Fase {
  readonly codigo: string;
  readonly nombre: string;
  readonly final?: boolean;
}

/** How the plazo of the current phase stands, as the gateway says (near: by its setting). */
export type EstadoDelPlazo = 'en-plazo' | 'proximo' | 'vencido';

/** The plazo of the expediente's current phase. */
export interface Plazo {
  /** Its last day (aaaa-mm-dd) in the administration's calendar: a day, not an instant. */
  readonly vencimiento: string;
  readonly estado: EstadoDelPlazo;
}

export interface UsuarioActual {
  readonly username: string;
  readonly name: string | null;
  readonly roles: readonly string[];
  /** What the platform takes (absent from an older gateway). */
  readonly limites?: { readonly tamanoMaximoDeArchivo: number };
  readonly csrfToken?: string;
}

export interface Pagina<TItem> {
  readonly items: readonly TItem[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

/** A row of the list, from GET /expedientes or GET /search (which calls the id expedienteId). */
export interface ExpedienteEnLista {
  readonly id: string;
  readonly codigo: string;
  readonly opcionInicial: OpcionInicial;
  readonly descripcion: string;
  readonly estado: EstadoDeExpediente;
  readonly fase: Fase | null;
  readonly creadoAt: string;
  /** Who opened it (a username). GET /search does not say. */
  readonly creadoPor?: string;
  /** Who has it (a username), or null: nobody. GET /search does not say. */
  readonly asignadoA?: string | null;
  /** Null: its phase has none, or it is closed. GET /search does not say. */
  readonly plazo?: Plazo | null;
  readonly version?: number;
}

/** GET /tasks: what waits for the signed-in user ("Mis tareas"). */
export interface Tareas {
  /** How many wait, in every phase (the list may show fewer: up to its limit). */
  readonly total: number;
  /** How many wait in each phase the user's roles may move one on from, in the procedure's order. */
  readonly porFase: ReadonlyArray<{ readonly fase: Fase; readonly total: number }>;
  /** The plazo that ends soonest first, those without one last. */
  readonly expedientes: readonly ExpedienteEnLista[];
  /** The open ones whose comments mention the user, newest first. */
  readonly menciones: {
    readonly total: number;
    readonly expedientes: readonly ExpedienteEnLista[];
  };
}

export interface ExpedienteEncontrado extends Omit<ExpedienteEnLista, 'id'> {
  readonly expedienteId: string;
}

export interface VersionDeDocumento {
  readonly version: number;
  readonly nombre: string;
  readonly mediaType: string;
  readonly size: number;
  /** Its SHA-256, in hexadecimal. */
  readonly sha256: string;
  readonly subidoAt: string;
  readonly subidoPor: string;
}

export interface DocumentoDelExpediente {
  readonly documentId: string;
  readonly nombre: string;
  readonly mediaType: string;
  readonly version: number;
  readonly size: number;
  readonly subidoAt: string;
  readonly subidoPor: string;
  readonly actualizadoAt: string;
  readonly actualizadoPor: string;
  readonly versiones: readonly VersionDeDocumento[];
}

/** GET /documents/{documentId}: the latest version's facts, and every version. */
export interface Documento extends DocumentoDelExpediente {
  readonly expedienteId: string | null;
}

export interface PasoPorFase {
  readonly fase: Fase;
  readonly entradaAt: string;
  readonly entradaPor: string;
  readonly salidaAt: string | null;
  readonly salidaPor: string | null;
  /** Why the user moved it into this phase, when the change asked for a reason (a rejection). */
  readonly motivo?: string;
  /** The last day of the phase's plazo (YYYY-MM-DD), where it had one. */
  readonly vencimiento?: string;
}

/** A comment: plain text with its line breaks; never edited or deleted. */
export interface Comentario {
  /** The expediente's version the comment made: its place among the other changes. */
  readonly version: number;
  readonly texto: string;
  /** The usernames it mentions (`@username`), without the @. */
  readonly menciones: readonly string[];
  readonly por: string;
  readonly at: string;
}

export interface Expediente {
  readonly id: string;
  readonly codigo: string;
  readonly opcionInicial: OpcionInicial;
  readonly opcionInicialNombre: string;
  readonly descripcion: string;
  readonly estado: EstadoDeExpediente;
  readonly rechazo: { readonly causa: string | null; readonly motivo: string } | null;
  readonly creadoAt: string;
  readonly creadoPor: string;
  readonly actualizadoAt: string;
  readonly actualizadoPor: string;
  readonly fase: Fase | null;
  /** The current phase's; null: the phase has none, or the expediente is closed. */
  readonly plazo: Plazo | null;
  readonly historialDeFases: readonly PasoPorFase[];
  readonly documentos: readonly DocumentoDelExpediente[];
  /** Oldest first. */
  readonly comentarios: readonly Comentario[];
  /** Who has it to work on it (a username), or null: nobody. */
  readonly asignadoA: string | null;
  readonly version: number;
}

export interface EntradaDeHistorial {
  readonly version: number;
  readonly tipo: string;
  readonly ocurridoAt: string;
  readonly usuario: string;
  readonly resumen: string;
}

export interface Historial {
  readonly expedienteId: string;
  readonly entradas: readonly EntradaDeHistorial[];
}

export interface TransicionesDisponibles {
  readonly expedienteId: string;
  readonly faseActual: Fase;
  readonly transicionesDisponibles: readonly Fase[];
  /** The codes, among those phases, the procedure only moves to with a reason (rejections). */
  readonly conMotivo: readonly string[];
}

export type EstadoDeOperacion = 'running' | 'compensating' | 'completed' | 'compensated' | 'failed';

export interface Operacion {
  readonly sagaId: string;
  readonly tipo: string;
  readonly estado: EstadoDeOperacion;
  readonly expedienteId: string;
  readonly fallo: { readonly code: string | null; readonly message: string } | null;
}

/** What a command that may run a saga answers: 201/200 with its result, or 202 with the saga. */
export interface OperacionEnCurso {
  readonly sagaId: string;
  readonly estado: 'running';
}

/** An event of GET /api/v1/events (SSE `expediente`). */
export interface EventoDeExpediente {
  readonly expedienteId: string;
  readonly version: number;
  readonly tipo: string;
}

export type Rol = 'tramitador' | 'validador' | 'admin';
export const ROLES: readonly Rol[] = ['tramitador', 'validador', 'admin'];

/** Someone who signs in (GET /users): never deleted, disabled instead. */
export interface Usuario {
  readonly username: string;
  readonly nombre: string;
  readonly roles: readonly Rol[];
  /** Whether they may sign in. */
  readonly activo: boolean;
  readonly creadoAt: string;
  /** Holds a provisional password: chooses another at the next sign-in. */
  readonly debeCambiarContrasena: boolean;
}

export interface NuevoUsuario {
  readonly username: string;
  readonly nombre: string;
  /** Given by the administrator: provisional, the user chooses another at the first sign-in. */
  readonly password: string;
  readonly roles: readonly Rol[];
  readonly debeCambiarContrasena: true;
}

/** A PATCH /users/{username}: at least one of the two. */
export type CambioDeUsuario =
  | { readonly roles: readonly Rol[]; readonly activo?: boolean }
  | { readonly roles?: readonly Rol[]; readonly activo: boolean };
