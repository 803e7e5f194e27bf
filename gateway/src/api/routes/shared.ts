import { Response } from 'express';
import { z } from 'zod';
import { operacionEnCurso, Outcome } from '../../model/expedientes';
import { ResponseLink, ResponseSpec, Role } from '../route';

/** Everybody who works with expedientes: they read, search, download and move phases. */
export const STAFF: readonly Role[] = ['tramitador', 'validador', 'admin'];
/** Who opens, edits and adds documents (phase changes are the procedure's to allow). */
export const TRAMITAN: readonly Role[] = ['tramitador', 'admin'];

export const TAG_EXPEDIENTES = 'Expedientes';
export const TAG_DOCUMENTOS = 'Documentos';
export const TAG_BUSQUEDA = 'Búsqueda';

const id = z.string().min(1).max(200);
export const expedienteParams = z.object({ id: id.describe('El id del expediente') });
export const documentParams = z.object({ documentId: id.describe('El id del documento') });
export const expedienteDocumentParams = z.object({
  ...expedienteParams.shape,
  ...documentParams.shape,
});
export const sagaParams = z.object({ sagaId: id.describe('El id de la operación') });

export const dayOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
export const pageNumber = z.coerce.number().int().min(1).max(100_000).optional();
export const pageSize = z.coerce.number().int().min(1).max(100).optional();

/** The 202 answer of a command whose saga goes on, and where to follow it. */
export const accepted: ResponseSpec = {
  description: 'La operación sigue en curso: Location dice dónde consultar cómo termina',
  schema: operacionEnCurso,
  headers: { Location: 'La operación, en /sagas/{sagaId}' },
  links: {
    VerOperacion: { operationId: 'verOperacion', parameters: { sagaId: '$response.body#/sagaId' } },
  },
};

/** What can be done with an expediente whose id is at `pointer` of an answer. */
export const expedienteLinks = (pointer: string): Record<string, ResponseLink> => {
  const parameters = { id: `$response.body#${pointer}` };
  return {
    VerExpediente: { operationId: 'verExpediente', parameters },
    VerHistorial: { operationId: 'verHistorial', parameters },
    VerTransiciones: { operationId: 'verTransiciones', parameters },
    CambiarDeFase: { operationId: 'cambiarDeFase', parameters },
    AnadirDocumento: { operationId: 'anadirDocumento', parameters },
  };
};

/**
 * A saga command's answer: its result (`status`, with `location` of what it made), or 202
 * with the saga to follow. Locations are under the API's base path.
 */
export function sendOutcome<TResult>(
  res: Response,
  outcome: Outcome<TResult>,
  done: { readonly status: number; readonly location?: (result: TResult) => string },
): void {
  const base = res.req.baseUrl;
  if (outcome.status === 'accepted') {
    res
      .status(202)
      .location(`${base}/sagas/${encodeURIComponent(outcome.sagaId)}`)
      .json({ sagaId: outcome.sagaId, estado: 'running' });
    return;
  }
  if (done.location) res.location(`${base}${done.location(outcome.result)}`);
  res.status(done.status).json(outcome.result);
}

/** The ETag of an expediente's version: what an edit names as the one it changes. */
export const etagOf = (version: number): string => `"${version}"`;
