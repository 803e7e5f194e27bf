import { Response } from 'express';
import { z } from 'zod';
import { AddDocumentVersion } from '../../application/add-document-version';
import { AddDocumento } from '../../application/add-documento';
import { documento } from '../../model/documents';
import { documentoAdjuntado } from '../../model/expedientes';
import { ContenidoDeDocumento, DocumentsApi, PeticionDeContenido } from '../../ports/documents-api';
import { NotPreviewableError } from '../api-errors';
import { previewOf } from '../document-preview';
import { withSingleFile } from '../forms';
import { streamTo } from '../streamed-answer';
import { route, RouteDefinition } from '../route';
import {
  accepted,
  documentParams,
  expedienteDocumentParams,
  expedienteParams,
  sendOutcome,
  STAFF,
  TAG_DOCUMENTOS,
  TRAMITAN,
} from './shared';

/** A version's content as documents answered it (or its 304), with `headers` over its own. */
async function sendContent(
  res: Response,
  contenido: ContenidoDeDocumento,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  res.status(contenido.status).set({ ...contenido.headers, ...headers });
  if (!contenido.body) {
    res.end();
    return;
  }
  await streamTo(contenido.body, res);
}

const singleFile = (description: string) => z.object({ file: z.file().describe(description) });

const contentQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(999_999_999)
    .optional()
    .describe('La versión; por defecto, la última'),
});
const contentHeaders = z.object({
  'if-none-match': z
    .string()
    .max(200)
    .optional()
    .describe('La ETag que ya tiene: si no ha cambiado, 304 sin contenido'),
});

/** What both ways to a version's content take: the document, the version, the ETag held. */
const versionContent = {
  tag: TAG_DOCUMENTOS,
  roles: STAFF,
  params: documentParams,
  query: contentQuery,
  headers: contentHeaders,
};
const ETAG = 'La huella SHA-256 de la versión';
const NOT_MODIFIED = { description: 'No ha cambiado desde la ETag de If-None-Match' };

const contentRequest = (
  params: z.output<typeof documentParams>,
  query: z.output<typeof contentQuery>,
  headers: z.output<typeof contentHeaders>,
): PeticionDeContenido => ({
  documentId: params.documentId,
  version: query.version,
  ifNoneMatch: headers['if-none-match'],
});

export function documentsRoutes(
  documents: DocumentsApi,
  addDocumento: AddDocumento,
  addVersion: AddDocumentVersion,
): RouteDefinition[] {
  return [
    route({
      method: 'post',
      path: '/expedientes/{id}/documents',
      operationId: 'anadirDocumento',
      tag: TAG_DOCUMENTOS,
      summary: 'Añade un documento nuevo al expediente',
      description: 'Un formulario multipart/form-data con el archivo en `file`.',
      roles: TRAMITAN,
      params: expedienteParams,
      body: {
        kind: 'multipart',
        schema: singleFile('El documento; su nombre es el del archivo'),
        maxFiles: 1,
      },
      responses: {
        201: {
          description: 'Añadido',
          schema: documentoAdjuntado,
          links: {
            SubirVersion: {
              operationId: 'subirVersion',
              parameters: {
                id: '$response.body#/expedienteId',
                documentId: '$response.body#/documento/documentId',
              },
            },
            DescargarDocumento: {
              operationId: 'descargarDocumento',
              parameters: { documentId: '$response.body#/documento/documentId' },
            },
          },
        },
        202: accepted,
      },
      problems: [404, 409, 422],
      async handle({ params, form, call, res }) {
        const outcome = await withSingleFile(form(), 'file', (archivo) =>
          addDocumento.execute(params.id, archivo, call),
        );
        sendOutcome(res, outcome, { status: 201 });
      },
    }),
    route({
      method: 'post',
      path: '/expedientes/{id}/documents/{documentId}/versions',
      operationId: 'subirVersion',
      tag: TAG_DOCUMENTOS,
      summary: 'Sube una versión nueva de un documento del expediente',
      description:
        'Un formulario multipart/form-data con el archivo en `file`; las versiones anteriores se conservan.',
      roles: TRAMITAN,
      params: expedienteDocumentParams,
      body: {
        kind: 'multipart',
        schema: singleFile('La versión nueva; su nombre pasa a ser el del documento'),
        maxFiles: 1,
      },
      responses: {
        201: {
          description: 'Guardada',
          schema: documento,
          headers: { Location: 'El contenido de la versión nueva' },
          links: {
            DescargarVersion: {
              operationId: 'descargarDocumento',
              parameters: {
                documentId: '$response.body#/documentId',
                version: '$response.body#/version',
              },
            },
          },
        },
      },
      problems: [404, 409, 422],
      async handle({ params, form, call, res }) {
        const guardado = await withSingleFile(form(), 'file', (archivo) =>
          addVersion.execute(params.id, params.documentId, archivo, call),
        );
        res
          .status(201)
          .location(
            `${res.req.baseUrl}/documents/${encodeURIComponent(guardado.documentId)}/content?version=${guardado.version}`,
          )
          .json(guardado);
      },
    }),
    route({
      method: 'get',
      path: '/documents/{documentId}',
      operationId: 'verDocumento',
      tag: TAG_DOCUMENTOS,
      summary:
        'Un documento con todas sus versiones: quién subió cada una, cuándo, su tamaño y su huella',
      roles: STAFF,
      params: documentParams,
      responses: {
        200: {
          description: 'El documento',
          schema: documento,
          links: {
            DescargarDocumento: {
              operationId: 'descargarDocumento',
              parameters: { documentId: '$response.body#/documentId' },
            },
          },
        },
      },
      problems: [404],
      async handle({ params, call, res }) {
        res.json(await documents.get(params.documentId, call));
      },
    }),
    route({
      method: 'get',
      path: '/documents/{documentId}/content',
      operationId: 'descargarDocumento',
      summary: 'El contenido de un documento, de su última versión o de la que se pida',
      ...versionContent,
      responses: {
        200: {
          description: 'Los bytes de la versión, tal como se subieron',
          binary: true,
          headers: {
            'Content-Type': 'El tipo que se detectó en sus bytes al subirlo',
            'Content-Disposition': 'attachment, con el nombre del documento',
            ETag: ETAG,
          },
        },
        304: NOT_MODIFIED,
      },
      problems: [404],
      async handle({ params, query, headers, call, res }) {
        await sendContent(
          res,
          await documents.download(contentRequest(params, query, headers), call),
        );
      },
    }),
    route({
      method: 'get',
      path: '/documents/{documentId}/preview',
      operationId: 'verContenidoDocumento',
      summary: 'El contenido de un documento para verlo en el navegador: PDF, imagen o texto',
      description:
        'Los PDF, las imágenes PNG, JPEG, GIF y WebP y el texto UTF-8 se sirven `inline`, con el ' +
        'tipo que se detectó en sus bytes al subirlos (nunca el que declaró quien los subió) y una ' +
        'Content-Security-Policy sin scripts: `sandbox` para imágenes y texto; para los PDF, sin ' +
        '`sandbox`, que el visor de PDF de Chromium no admite. Cualquier otro tipo (HTML, SVG, XML, ' +
        'ofimática, desconocido) solo se descarga: 409 `API.DOCUMENTO_NO_PREVISUALIZABLE`.',
      ...versionContent,
      responses: {
        200: {
          description: 'Los bytes de la versión, para mostrarlos',
          binary: true,
          headers: {
            'Content-Type':
              'application/pdf, image/png, image/jpeg, image/gif, image/webp o text/plain; charset=utf-8',
            'Content-Disposition': 'inline, con el nombre del documento',
            'Content-Security-Policy': 'Sin scripts; `sandbox` salvo para los PDF',
            ETag: ETAG,
          },
        },
        304: NOT_MODIFIED,
      },
      problems: [404, 409],
      async handle({ params, query, headers, call, res }) {
        const contenido = await documents.download(contentRequest(params, query, headers), call);
        const preview = previewOf(contenido.headers['content-type']);
        if (!preview) {
          contenido.body?.destroy();
          throw new NotPreviewableError(contenido.headers['content-type']);
        }
        const disposition = contenido.headers['content-disposition'] ?? 'attachment';
        await sendContent(res, contenido, {
          'content-type': preview.contentType,
          'content-security-policy': preview.contentSecurityPolicy,
          // The same file name, now to be shown rather than saved.
          'content-disposition': disposition.replace(/^attachment\b/, 'inline'),
        });
      },
    }),
  ];
}
