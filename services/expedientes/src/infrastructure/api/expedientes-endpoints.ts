import { Actor, DomainError, IdGenerator, motivoDeTransicion } from '@expedientes/shared-kernel';
import { requireRole, STAFF_ROLES } from '@expedientes/shared-kernel/adapters/runtime';
import { z } from 'zod';
import { AdvancePhase } from '../../application/advance-phase/advance-phase';
import { AssignExpediente } from '../../application/assign-expediente/assign-expediente';
import { AttachDocumento } from '../../application/attach-documento/attach-documento';
import { CommentExpediente } from '../../application/comment-expediente/comment-expediente';
import { EditDescripcion } from '../../application/edit-descripcion/edit-descripcion';
import { GetExpediente } from '../../application/get-expediente/get-expediente';
import { GetExpedienteHistory } from '../../application/get-history/get-history';
import { GetSaga } from '../../application/get-saga/get-saga';
import {
  ListExpedientes,
  MAX_PAGE_SIZE,
} from '../../application/list-expedientes/list-expedientes';
import { OpenExpediente } from '../../application/open-expediente/open-expediente';
import { PlazoALaVista } from '../../application/plazos/plazo-a-la-vista';
import { RebuildReport } from '../../application/rebuild-read-models/rebuild-read-models';
import {
  RequestMetadata,
  ROLES_DE_ADMINISTRACION,
  ROLES_QUE_TRAMITAN,
} from '../../application/request';

/** The use cases the service answers requests with. */
export interface ExpedientesUseCases {
  readonly openExpediente: OpenExpediente;
  readonly editDescripcion: EditDescripcion;
  readonly commentExpediente: CommentExpediente;
  readonly assignExpediente: AssignExpediente;
  readonly advancePhase: AdvancePhase;
  readonly attachDocumento: AttachDocumento;
  readonly listExpedientes: ListExpedientes;
  readonly getExpediente: GetExpediente;
  readonly getHistory: GetExpedienteHistory;
  readonly getSaga: GetSaga;
  readonly rebuildReadModels: () => Promise<RebuildReport>;
  readonly plazos: PlazoALaVista;
}

/** Who calls, as the transport established it (a verified token), and in which conversation. */
export interface EndpointCaller {
  readonly actor: Actor;
  readonly correlationId: string;
  /** The caller's Idempotency-Key, of a form the transport has checked. */
  readonly idempotencyKey?: string;
}

const text = z.string().trim().min(1);
const instantOrDay = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const openBody = z.object({
  codigo: z.string(),
  opcionInicial: z.string(),
  descripcion: z.string().default(''),
  documentIds: z.array(z.string()),
});
const editBody = z.object({
  descripcion: z.string(),
  expectedVersion: z.number().int().min(0).optional(),
});
const transitionBody = z.object({ hacia: text, motivo: motivoDeTransicion.optional() });
const attachBody = z.object({ documentId: text });
const commentBody = z.object({ texto: z.string() });
const assigneeBody = z.object({ asignadoA: z.string().nullable() });
/** Query strings: every value arrives as text. */
const listQuery = z.object({
  fase: text.optional(),
  estado: z.enum(['pendiente', 'abierto', 'finalizado', 'creacion_rechazada']).optional(),
  opcionInicial: z.enum(['SEDE_ELECTRONICA', 'PETICION_DEPARTAMENTO']).optional(),
  codigo: text.optional(),
  desde: instantOrDay.optional(),
  hasta: instantOrDay.optional(),
  q: z.string().optional(),
  asignadoA: text.optional(),
  sinAsignar: z.stringbool().optional(),
  mencionado: text.optional(),
  sort: z.enum(['codigo', 'creadoAt', 'fase', 'vencimiento']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  page: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});
const detailQuery = z.object({
  asOf: z.iso.datetime({ offset: true }).optional(),
});

export class VersionRequeridaError extends DomainError {
  constructor() {
    super(
      'EXPEDIENTE.VERSION_REQUERIDA',
      'invalid',
      'Indique la versión del expediente que modifica (cabecera If-Match o expectedVersion)',
    );
  }
}

/**
 * The service's API apart from its transport: each request's roles, its validation (bodies and
 * query strings as they arrive, still unchecked) and the use case that answers it. The HTTP
 * router serves it to other processes; the embedded gateway calls it in its own process. A
 * caller without a role that works with expedientes is refused everything, so that it learns
 * nothing from a 400 either (as at the gateway); the use cases that need a role check it again.
 */
export class ExpedientesEndpoints {
  constructor(
    private readonly useCases: ExpedientesUseCases,
    private readonly newId: IdGenerator,
  ) {}

  open(body: unknown, caller: EndpointCaller) {
    this.tramitan(caller, 'abrir expedientes');
    return this.useCases.openExpediente.execute(openBody.parse(body), this.metadataOf(caller));
  }

  async list(query: unknown, caller: EndpointCaller) {
    this.staff(caller);
    const page = await this.useCases.listExpedientes.execute(listQuery.parse(query));
    return { ...page, items: this.useCases.plazos.mostrarTodas(page.items) };
  }

  /** As it stood at `asOf` (an instant), or as it is now; `version` says which version it is. */
  async get(expedienteId: string, query: unknown, caller: EndpointCaller) {
    this.staff(caller);
    const { asOf } = detailQuery.parse(query);
    const at = asOf === undefined ? undefined : new Date(asOf);
    const detail = await this.useCases.getExpediente.execute(expedienteId, { asOf: at });
    return this.useCases.plazos.mostrar(detail, at);
  }

  /** `ifMatch`: the version the caller edits, when its body does not say it. */
  edit(expedienteId: string, body: unknown, ifMatch: number | undefined, caller: EndpointCaller) {
    this.tramitan(caller, 'editar expedientes');
    const { descripcion, expectedVersion = ifMatch } = editBody.parse(body);
    if (expectedVersion === undefined) throw new VersionRequeridaError();
    return this.useCases.editDescripcion.execute(
      { expedienteId, descripcion, expectedVersion },
      this.metadataOf(caller),
    );
  }

  comment(expedienteId: string, body: unknown, caller: EndpointCaller) {
    this.staff(caller);
    const { texto } = commentBody.parse(body);
    return this.useCases.commentExpediente.execute(
      { expedienteId, texto },
      this.metadataOf(caller),
    );
  }

  assign(expedienteId: string, body: unknown, caller: EndpointCaller) {
    this.staff(caller);
    const { asignadoA } = assigneeBody.parse(body);
    return this.useCases.assignExpediente.execute(
      { expedienteId, asignadoA },
      this.metadataOf(caller),
    );
  }

  transition(expedienteId: string, body: unknown, caller: EndpointCaller) {
    this.staff(caller);
    const { hacia, motivo } = transitionBody.parse(body);
    return this.useCases.advancePhase.execute(
      { expedienteId, hacia, motivo },
      this.metadataOf(caller),
    );
  }

  attach(expedienteId: string, body: unknown, caller: EndpointCaller) {
    this.tramitan(caller, 'añadir documentos');
    const { documentId } = attachBody.parse(body);
    return this.useCases.attachDocumento.execute(
      { expedienteId, documentId },
      this.metadataOf(caller),
    );
  }

  async history(expedienteId: string, caller: EndpointCaller) {
    this.staff(caller);
    return { expedienteId, entradas: await this.useCases.getHistory.execute(expedienteId) };
  }

  saga(sagaId: string, caller: EndpointCaller) {
    this.staff(caller);
    return this.useCases.getSaga.execute(sagaId);
  }

  rebuildReadModels(caller: EndpointCaller) {
    this.staff(caller);
    requireRole(caller.actor, ROLES_DE_ADMINISTRACION, 'reconstruir las vistas');
    return this.useCases.rebuildReadModels();
  }

  private staff(caller: EndpointCaller): void {
    requireRole(caller.actor, STAFF_ROLES, 'los expedientes');
  }

  private tramitan(caller: EndpointCaller, accion: string): void {
    this.staff(caller);
    requireRole(caller.actor, ROLES_QUE_TRAMITAN, accion);
  }

  private metadataOf(caller: EndpointCaller): RequestMetadata {
    return { ...caller, requestId: this.newId() };
  }
}
