import { z } from 'zod';
import { OpenExpediente } from '../../application/open-expediente';
import { estadoDeExpediente, opcionInicial } from '../../model/common';
import {
  asignacion,
  comentarioAnadido,
  descripcionEditada,
  expediente,
  expedienteAbierto,
  historial,
  operacion,
  paginaDeExpedientes,
} from '../../model/expedientes';
import { ExpedientesApi } from '../../ports/expedientes-api';
import { exportarExpedientes } from '../../application/exportar-expedientes';
import { RegistroDeExpediente } from '../../application/registro-de-expediente';
import { registroPdf } from '../../adapters/pdf/registro-pdf';
import { invalidField } from '../api-errors';
import { streamTo } from '../streamed-answer';
import { streamedForm } from '../forms';
import { route, RouteDefinition } from '../route';
import {
  accepted,
  dayOrInstant,
  etagOf,
  expedienteLinks,
  expedienteParams,
  pageNumber,
  pageSize,
  sagaParams,
  sendOutcome,
  STAFF,
  TAG_EXPEDIENTES,
  TRAMITAN,
} from './shared';

const MAX_FILES = 20;

const aperturaFields = z.object({
  codigo: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .describe('El código del expediente (p. ej. EXP-2025/001), único; se guarda en mayúsculas'),
  opcionInicial,
  descripcion: z.string().max(4_000).default(''),
});
const aperturaForm = z.object({
  ...aperturaFields.shape,
  files: z
    .array(z.file())
    .min(1)
    .max(MAX_FILES)
    .describe('Los documentos del expediente, uno o más, después de los campos'),
});

const listQuery = z.object({
  fase: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('El código de la fase, p. ej. INICIAL'),
  estado: estadoDeExpediente.optional(),
  opcionInicial: opcionInicial.optional(),
  codigo: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .optional()
    .describe('El expediente con este código exacto, en mayúsculas o no (q busca texto en todos)'),
  desde: dayOrInstant.optional().describe('Creados desde ese día (AAAA-MM-DD) o instante'),
  hasta: dayOrInstant.optional().describe('Creados hasta ese día (incluido) o instante'),
  q: z.string().max(200).optional().describe('Texto en el código o la descripción'),
  asignadoA: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe('Los asignados a este usuario (su nombre de usuario)'),
  sinAsignar: z.stringbool().optional().describe('true: los que no tiene nadie'),
  mencionado: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe('Aquellos en cuyos comentarios se menciona a este usuario (@usuario)'),
  sort: z
    .enum(['codigo', 'creadoAt', 'fase', 'vencimiento'])
    .optional()
    .describe('Por defecto, creadoAt; por vencimiento, los que no tienen plazo van tras los demás'),
  order: z.enum(['asc', 'desc']).optional().describe('Por defecto, desc para creadoAt'),
  page: pageNumber,
  pageSize,
});

const exportQuery = listQuery.omit({ page: true, pageSize: true });

const detailQuery = z.object({
  asOf: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('El expediente tal como estaba en ese instante'),
});

const editBody = z.object({
  descripcion: z.string().max(4_000),
  expectedVersion: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('La versión que se modifica; o la cabecera If-Match'),
});
const assigneeBody = z.object({
  asignadoA: z
    .string()
    .max(64)
    .nullable()
    .describe('El nombre de usuario de quien lo tendrá (el propio para asignárselo); null: nadie'),
});
const commentBody = z.object({
  texto: z
    .string()
    .max(4_000)
    .describe('Texto plano, con saltos de línea; @usuario menciona a un usuario'),
});
const editHeaders = z.object({
  'if-match': z
    .string()
    .regex(/^(W\/)?"?\d+"?$/, 'Debe ser la ETag del expediente, p. ej. "3"')
    .optional()
    .describe('La ETag del expediente que se modifica'),
});

/** `"3"` or `W/"3"`: the version in an ETag. */
const versionIn = (etag: string): number => Number(/\d+/.exec(etag)?.[0]);

export function expedientesRoutes(
  expedientes: ExpedientesApi,
  openExpediente: OpenExpediente,
  registroDeExpediente: RegistroDeExpediente,
): RouteDefinition[] {
  return [
    route({
      method: 'post',
      path: '/expedientes',
      operationId: 'abrirExpediente',
      tag: TAG_EXPEDIENTES,
      summary: 'Abre un expediente con sus documentos',
      description:
        'Un formulario multipart/form-data: los campos (codigo, opcionInicial, descripcion) y ' +
        'después uno o más archivos en `files`. Cada archivo se guarda según llega, sin ' +
        'esperar al resto.',
      roles: TRAMITAN,
      body: { kind: 'multipart', schema: aperturaForm, maxFiles: MAX_FILES },
      responses: {
        201: {
          description: 'Abierto',
          schema: expedienteAbierto,
          headers: { Location: 'El expediente' },
          links: expedienteLinks('/expedienteId'),
        },
        202: accepted,
      },
      problems: [409, 422],
      async handle({ form, call, res }) {
        const formulario = streamedForm(form(), aperturaFields, 'files');
        const outcome = await openExpediente.execute(formulario, call);
        sendOutcome(res, outcome, {
          status: 201,
          location: (abierto) => `/expedientes/${encodeURIComponent(abierto.expedienteId)}`,
        });
      },
    }),
    route({
      method: 'get',
      path: '/expedientes',
      operationId: 'listarExpedientes',
      tag: TAG_EXPEDIENTES,
      summary: 'La lista de expedientes, filtrada y por páginas',
      roles: STAFF,
      query: listQuery,
      responses: { 200: { description: 'Una página de la lista', schema: paginaDeExpedientes } },
      async handle({ query, call, res }) {
        res.json(await expedientes.list(query, call));
      },
    }),
    route({
      method: 'get',
      path: '/expedientes.csv',
      operationId: 'exportarExpedientes',
      tag: TAG_EXPEDIENTES,
      summary: 'La lista, con sus filtros y su orden, como CSV para una hoja de cálculo',
      description:
        'UTF-8 con BOM, celdas separadas por `;`, líneas CRLF; por defecto, del más antiguo al ' +
        'más reciente. Se envía según se lee, sea cual sea su tamaño. Las fechas, en ISO 8601 UTC.',
      roles: STAFF,
      query: exportQuery,
      responses: {
        200: {
          description: 'Los expedientes, uno por línea, tras la de los nombres de las columnas',
          csv: true,
          headers: { 'Content-Disposition': 'attachment, expedientes-<fecha>.csv' },
        },
      },
      async handle({ query, call, res }) {
        const lineas = await exportarExpedientes(expedientes, query, call);
        const hoy = new Date().toISOString().slice(0, 10);
        res.set({
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="expedientes-${hoy}.csv"`,
        });
        await streamTo(lineas, res);
      },
    }),
    route({
      method: 'get',
      path: '/expedientes/{id}',
      operationId: 'verExpediente',
      tag: TAG_EXPEDIENTES,
      summary: 'El detalle de un expediente, ahora o en un instante pasado',
      roles: STAFF,
      params: expedienteParams,
      query: detailQuery,
      responses: {
        200: {
          description: 'El expediente',
          schema: expediente,
          headers: { ETag: 'Su versión, para If-Match al editarlo (sin asOf)' },
          links: {
            EditarExpediente: {
              operationId: 'editarExpediente',
              parameters: { id: '$response.body#/id', 'header.if-match': '$response.header.ETag' },
            },
          },
        },
      },
      problems: [404],
      async handle({ params, query, call, res }) {
        const detalle = await expedientes.get(params.id, query, call);
        if (query.asOf === undefined) res.setHeader('ETag', etagOf(detalle.version));
        res.json(detalle);
      },
    }),
    route({
      method: 'patch',
      path: '/expedientes/{id}',
      operationId: 'editarExpediente',
      tag: TAG_EXPEDIENTES,
      summary: 'Cambia la descripción de un expediente',
      description:
        'Nombre la versión que modifica (If-Match con su ETag, o expectedVersion): si el ' +
        'expediente ha cambiado desde entonces, se responde 409 y no se guarda nada.',
      roles: TRAMITAN,
      params: expedienteParams,
      headers: editHeaders,
      body: { kind: 'json', schema: editBody },
      responses: {
        200: {
          description: 'Guardado',
          schema: descripcionEditada,
          headers: { ETag: 'La nueva versión' },
        },
      },
      problems: [404, 409, 422],
      async handle({ params, headers, body, call, res }) {
        const ifMatch = headers['if-match'];
        const fromHeader = ifMatch === undefined ? undefined : versionIn(ifMatch);
        if (
          body.expectedVersion !== undefined &&
          fromHeader !== undefined &&
          body.expectedVersion !== fromHeader
        ) {
          throw invalidField('expectedVersion', 'No coincide con la cabecera If-Match');
        }
        const expectedVersion = body.expectedVersion ?? fromHeader;
        if (expectedVersion === undefined) {
          throw invalidField(
            'expectedVersion',
            'Indique la versión que modifica (expectedVersion o la cabecera If-Match)',
          );
        }
        const editada = await expedientes.editDescripcion(
          params.id,
          { descripcion: body.descripcion, expectedVersion },
          call,
        );
        res.setHeader('ETag', etagOf(editada.version));
        res.json(editada);
      },
    }),
    route({
      method: 'put',
      path: '/expedientes/{id}/assignee',
      operationId: 'asignarExpediente',
      tag: TAG_EXPEDIENTES,
      summary: 'Asigna el expediente abierto a alguien, se lo asigna uno mismo, o lo libera',
      description:
        'Uno sin asignar lo puede tomar o asignar cualquiera que lo vea; uno asignado, solo ' +
        'quien lo tiene o un administrador (409 si no). Mientras está asignado, solo esa ' +
        'persona o un administrador lo cambian de fase.',
      roles: STAFF,
      params: expedienteParams,
      body: { kind: 'json', schema: assigneeBody },
      responses: { 200: { description: 'Hecho', schema: asignacion } },
      problems: [404, 409, 422],
      async handle({ params, body, call, res }) {
        res.json(await expedientes.assign(params.id, body.asignadoA, call));
      },
    }),
    route({
      method: 'post',
      path: '/expedientes/{id}/comments',
      operationId: 'comentarExpediente',
      tag: TAG_EXPEDIENTES,
      summary: 'Añade un comentario al expediente abierto',
      description:
        'Lo puede hacer quien puede ver el expediente. Un comentario no se edita ni se borra: ' +
        'se corrige con otro. Uno finalizado, o cuya creación se rechazó, ya no admite ' +
        'comentarios (422).',
      roles: STAFF,
      params: expedienteParams,
      body: { kind: 'json', schema: commentBody },
      responses: { 201: { description: 'Guardado', schema: comentarioAnadido } },
      problems: [404, 422],
      async handle({ params, body, call, res }) {
        res.status(201).json(await expedientes.comment(params.id, body.texto, call));
      },
    }),
    route({
      method: 'get',
      path: '/expedientes/{id}/record.pdf',
      operationId: 'registroDelExpediente',
      tag: TAG_EXPEDIENTES,
      summary: 'El registro del expediente en PDF',
      description:
        'Sus datos, el historial de fases, los documentos con cada versión y su huella ' +
        'SHA-256, los comentarios y todos sus cambios, con las personas por su nombre.',
      roles: STAFF,
      params: expedienteParams,
      responses: {
        200: {
          description: 'El PDF',
          binary: true,
          headers: { 'Content-Disposition': 'attachment, expediente-<código>.pdf' },
        },
      },
      problems: [404],
      async handle({ params, call, res }) {
        const registro = await registroDeExpediente.execute(params.id, call);
        const nombre = registro.expediente.codigo.replace(/[^\w.-]+/g, '_');
        res.set({
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="expediente-${nombre}.pdf"`,
        });
        await streamTo(registroPdf(registro), res);
      },
    }),
    route({
      method: 'get',
      path: '/expedientes/{id}/history',
      operationId: 'verHistorial',
      tag: TAG_EXPEDIENTES,
      summary: 'Todos los cambios del expediente: qué, quién y cuándo',
      roles: STAFF,
      params: expedienteParams,
      responses: { 200: { description: 'El historial', schema: historial } },
      problems: [404],
      async handle({ params, call, res }) {
        res.json(await expedientes.history(params.id, call));
      },
    }),
    route({
      method: 'get',
      path: '/sagas/{sagaId}',
      operationId: 'verOperacion',
      tag: TAG_EXPEDIENTES,
      summary: 'Cómo va una operación que siguió en curso (respondida con 202)',
      roles: STAFF,
      params: sagaParams,
      responses: { 200: { description: 'La operación', schema: operacion } },
      problems: [404],
      async handle({ params, call, res }) {
        res.json(await expedientes.saga(params.sagaId, call));
      },
    }),
  ];
}
