import { DomainError, IdGenerator, motivoDeTransicion } from '@expedientes/shared-kernel';
import {
  actorOf,
  handle,
  requestContext,
  requireRoles,
  STAFF_ROLES,
} from '@expedientes/shared-kernel/adapters/runtime';
import { Request, Response, Router } from 'express';
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
import { SagaCommandOutcome } from '../../application/sagas/saga-runner';

export interface ExpedientesApi {
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
const listQuery = z.object({
  fase: text.optional(),
  estado: z.enum(['pendiente', 'abierto', 'finalizado', 'creacion_rechazada']).optional(),
  opcionInicial: z.enum(['SEDE_ELECTRONICA', 'PETICION_DEPARTAMENTO']).optional(),
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

/** `If-Match: "3"` (or W/"3"), the ETag the detail was served with. */
const versionIn = (header: string | undefined): number | undefined => {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
};

const etagOf = (version: number): string => `"${version}"`;

/**
 * The expedientes API (internal; the gateway is the public face). Commands that run a saga
 * answer 201/200 with the outcome when it ends in time, and 202 with the saga to follow
 * otherwise; refusals come out as problems through the service's error middleware.
 */
/** Visible ASCII, 1 to 255 characters: what the gateway lets through as an Idempotency-Key. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function expedientesRouter(api: ExpedientesApi, newId: IdGenerator): Router {
  const router = Router();
  const metadataOf = (res: Response): RequestMetadata => {
    const key = res.req.get('idempotency-key');
    return {
      actor: actorOf(res),
      correlationId: requestContext(res).correlationId,
      requestId: newId(),
      // The gateway checks the key's form; one of another form is not a key.
      ...(key !== undefined && IDEMPOTENCY_KEY.test(key) ? { idempotencyKey: key } : {}),
    };
  };
  /** Locations are relative to where the host mounts this router (`req.baseUrl`). */
  const answer = <TResult>(
    req: Request,
    res: Response,
    outcome: SagaCommandOutcome<TResult>,
    done: { status: number; location?: (result: TResult) => string },
  ): void => {
    if (outcome.status === 'accepted') {
      res
        .status(202)
        .location(`${req.baseUrl}/sagas/${outcome.sagaId}`)
        .json({ sagaId: outcome.sagaId, estado: 'running' });
      return;
    }
    if (done.location) res.location(`${req.baseUrl}${done.location(outcome.result)}`);
    res.status(done.status).json(outcome.result);
  };
  const idOf = (req: Request): string => String(req.params.id);
  // The roles the public API asks for each route, checked before anything of the request is read.
  const tramitan = (accion: string) => requireRoles(ROLES_QUE_TRAMITAN, accion);
  router.use(requireRoles(STAFF_ROLES, 'los expedientes'));

  router.post(
    '/expedientes',
    tramitan('abrir expedientes'),
    handle(async (req, res) => {
      const outcome = await api.openExpediente.execute(openBody.parse(req.body), metadataOf(res));
      answer(req, res, outcome, {
        status: 201,
        location: (result) => `/expedientes/${result.expedienteId}`,
      });
    }),
  );

  router.get(
    '/expedientes',
    handle(async (req, res) => {
      const page = await api.listExpedientes.execute(listQuery.parse(req.query));
      res.json({ ...page, items: page.items.map((item) => api.plazos.mostrar(item)) });
    }),
  );

  router.get(
    '/expedientes/:id',
    handle(async (req, res) => {
      const { asOf } = detailQuery.parse(req.query);
      const at = asOf === undefined ? undefined : new Date(asOf);
      const detail = await api.getExpediente.execute(idOf(req), { asOf: at });
      if (asOf === undefined) res.setHeader('ETag', etagOf(detail.version));
      res.json(api.plazos.mostrar(detail, at));
    }),
  );

  router.patch(
    '/expedientes/:id',
    tramitan('editar expedientes'),
    handle(async (req, res) => {
      const body = editBody.parse(req.body);
      const expectedVersion = body.expectedVersion ?? versionIn(req.header('if-match'));
      if (expectedVersion === undefined) throw new VersionRequeridaError();
      const edited = await api.editDescripcion.execute(
        { expedienteId: idOf(req), descripcion: body.descripcion, expectedVersion },
        metadataOf(res),
      );
      res.setHeader('ETag', etagOf(edited.version));
      res.json(edited);
    }),
  );

  router.post(
    '/expedientes/:id/comments',
    handle(async (req, res) => {
      const { texto } = commentBody.parse(req.body);
      const comentado = await api.commentExpediente.execute(
        { expedienteId: idOf(req), texto },
        metadataOf(res),
      );
      res.status(201).json(comentado);
    }),
  );

  router.put(
    '/expedientes/:id/assignee',
    handle(async (req, res) => {
      const { asignadoA } = assigneeBody.parse(req.body);
      res.json(
        await api.assignExpediente.execute({ expedienteId: idOf(req), asignadoA }, metadataOf(res)),
      );
    }),
  );

  router.post(
    '/expedientes/:id/transitions',
    handle(async (req, res) => {
      const { hacia, motivo } = transitionBody.parse(req.body);
      const outcome = await api.advancePhase.execute(
        { expedienteId: idOf(req), hacia, motivo },
        metadataOf(res),
      );
      answer(req, res, outcome, { status: 200 });
    }),
  );

  router.post(
    '/expedientes/:id/documents',
    tramitan('añadir documentos'),
    handle(async (req, res) => {
      const { documentId } = attachBody.parse(req.body);
      const outcome = await api.attachDocumento.execute(
        { expedienteId: idOf(req), documentId },
        metadataOf(res),
      );
      answer(req, res, outcome, { status: 201 });
    }),
  );

  router.get(
    '/expedientes/:id/history',
    handle(async (req, res) => {
      const entradas = await api.getHistory.execute(idOf(req));
      res.json({ expedienteId: idOf(req), entradas });
    }),
  );

  router.get(
    '/sagas/:id',
    handle(async (req, res) => {
      res.json(await api.getSaga.execute(idOf(req)));
    }),
  );

  router.post(
    '/admin/rebuild-read-models',
    requireRoles(ROLES_DE_ADMINISTRACION, 'reconstruir las vistas'),
    handle(async (_req, res) => {
      res.json(await api.rebuildReadModels());
    }),
  );

  return router;
}
