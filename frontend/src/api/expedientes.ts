import { apiUrl, request } from './http';
import { settled } from './sagas';
import {
  Documento,
  Expediente,
  ExpedienteEncontrado,
  ExpedienteEnLista,
  Historial,
  OperacionEnCurso,
  Pagina,
  Tareas,
  TransicionesDisponibles,
  UsuarioActual,
} from './types';
import { UploadProgress, uploadForm } from './upload';

const expedientePath = (id: string): string => `/expedientes/${encodeURIComponent(id)}`;

/** What a change answers when done at once: the new version (of the expediente or document). */
interface Cambio {
  readonly version: number;
}

export const getMe = async (): Promise<UsuarioActual> => (await request<UsuarioActual>('/me')).data;

export const listExpedientes = async (
  query: Readonly<Record<string, string>>,
): Promise<Pagina<ExpedienteEnLista>> =>
  (await request<Pagina<ExpedienteEnLista>>('/expedientes', { query })).data;

/** What waits for the signed-in user: at most `limite` expedientes (the API's default: 100). */
export const getTareas = async (limite?: number): Promise<Tareas> =>
  (await request<Tareas>('/tasks', { query: limite ? { limite: String(limite) } : {} })).data;

/** The expediente with exactly this code (whatever its case), or null. */
export async function findByCodigo(codigo: string): Promise<ExpedienteEnLista | null> {
  const { items } = await listExpedientes({ codigo: codigo.trim() });
  return items[0] ?? null;
}

/** Search results, as rows of the list. */
export async function searchExpedientes(
  query: Readonly<Record<string, string>>,
): Promise<Pagina<ExpedienteEnLista>> {
  const { data } = await request<Pagina<ExpedienteEncontrado>>('/search', { query });
  return {
    ...data,
    items: data.items.map(({ expedienteId, ...rest }) => ({ id: expedienteId, ...rest })),
  };
}

export async function getExpediente(id: string, asOf?: string): Promise<Expediente> {
  const query: Record<string, string> = asOf ? { asOf } : {};
  return (await request<Expediente>(expedientePath(id), { query })).data;
}

export const getHistorial = async (id: string): Promise<Historial> =>
  (await request<Historial>(`${expedientePath(id)}/history`)).data;

export const getTransiciones = async (id: string): Promise<TransicionesDisponibles> =>
  (await request<TransicionesDisponibles>(`${expedientePath(id)}/transitions`)).data;

/**
 * Saves the description over `version` (If-Match): 409 when someone changed it meanwhile.
 * Resolves with the expediente's new version.
 */
export async function saveDescripcion(
  id: string,
  descripcion: string,
  version: number,
): Promise<number> {
  const { data } = await request<Cambio>(expedientePath(id), {
    method: 'PATCH',
    json: { descripcion },
    headers: { 'if-match': `"${version}"` },
  });
  return data.version;
}

/** The API's longest reason for a phase change, checked here too so the box stops there. */
export const MOTIVO_MAXIMO = 2_000;

/**
 * Moves the expediente to `hacia` (a phase code), with the user's reason when given (required
 * for the phases of `conMotivo`), waiting for the saga if there is one. Resolves with the
 * expediente's new version when the answer says it.
 */
export async function cambiarFase(
  id: string,
  hacia: string,
  motivo?: string,
): Promise<number | null> {
  const answer = await request<OperacionEnCurso | Cambio>(`${expedientePath(id)}/transitions`, {
    method: 'POST',
    json: { hacia, motivo }, // JSON leaves an undefined motivo out
  });
  return (await settled(answer)).result?.version ?? null;
}

/** The API's longest comment, checked here too so the box stops there. */
export const COMENTARIO_MAXIMO = 4_000;

/** Adds a comment; resolves with the expediente's new version. */
export async function comentar(id: string, texto: string, idempotencyKey: string): Promise<number> {
  const { data } = await request<Cambio>(`${expedientePath(id)}/comments`, {
    method: 'POST',
    json: { texto },
    idempotencyKey,
  });
  return data.version;
}

/**
 * Gives the expediente to `asignadoA` (a username: the user's own to take it), or to nobody
 * (null). Resolves with the expediente's new version.
 */
export async function asignar(
  id: string,
  asignadoA: string | null,
  idempotencyKey: string,
): Promise<number> {
  const { data } = await request<Cambio>(`${expedientePath(id)}/assignee`, {
    method: 'PUT',
    json: { asignadoA },
    idempotencyKey,
  });
  return data.version;
}

export interface NuevoExpediente {
  readonly codigo: string;
  readonly opcionInicial: string;
  readonly descripcion: string;
  readonly files: readonly File[];
}

/** The create form: the fields first, then the files (the gateway checks them as they come). */
export function aperturaForm(nuevo: NuevoExpediente): FormData {
  const form = new FormData();
  form.append('codigo', nuevo.codigo);
  form.append('opcionInicial', nuevo.opcionInicial);
  form.append('descripcion', nuevo.descripcion);
  for (const file of nuevo.files) form.append('files', file, file.name);
  return form;
}

export interface CreateCallbacks {
  readonly onProgress?: (progress: UploadProgress) => void;
  /** The form's key: a retry after no answer must not open a second expediente. */
  readonly idempotencyKey?: string;
  /** The files are up; the saga that opens the expediente runs now. */
  readonly onUploaded?: () => void;
  /**
   * Aborts the upload. Once the API has answered, the opening is the server's: it is then
   * followed to its end all the same.
   */
  readonly signal?: AbortSignal;
}

/** Opens an expediente; resolves with its id once it is open. */
export async function createExpediente(
  nuevo: NuevoExpediente,
  callbacks: CreateCallbacks = {},
): Promise<string> {
  const answer = await uploadForm<OperacionEnCurso | { expedienteId: string }>(
    '/expedientes',
    aperturaForm(nuevo),
    {
      onProgress: callbacks.onProgress,
      idempotencyKey: callbacks.idempotencyKey,
      signal: callbacks.signal,
    },
  );
  callbacks.onUploaded?.();
  const { expedienteId } = await settled(answer);
  if (!expedienteId) throw new Error('the opening answered no expediente id');
  return expedienteId;
}

const singleFileForm = (file: File): FormData => {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
};

/** Adds a document; resolves with the expediente's new version when the answer says it. */
export async function addDocumento(
  id: string,
  file: File,
  onProgress?: (progress: UploadProgress) => void,
): Promise<number | null> {
  const answer = await uploadForm<OperacionEnCurso | Cambio>(
    `${expedientePath(id)}/documents`,
    singleFileForm(file),
    { onProgress },
  );
  return (await settled(answer)).result?.version ?? null;
}

/** Uploads a new version of a document; resolves with the document's new version number. */
export async function addVersion(
  id: string,
  documentId: string,
  file: File,
  onProgress?: (progress: UploadProgress) => void,
): Promise<number> {
  const { data } = await uploadForm<Cambio>(
    `${expedientePath(id)}/documents/${encodeURIComponent(documentId)}/versions`,
    singleFileForm(file),
    { onProgress },
  );
  return data.version;
}

const documentPath = (documentId: string): string => `/documents/${encodeURIComponent(documentId)}`;

/** A document with every version (who uploaded each, when, its size and SHA-256). */
export const getDocumento = async (documentId: string): Promise<Documento> =>
  (await request<Documento>(documentPath(documentId))).data;

/** Where the browser downloads the list, as the filters give it, as CSV for spreadsheets. */
export const exportUrl = (query: Readonly<Record<string, string>>): string =>
  apiUrl('/expedientes.csv', query);

/** Where the browser downloads the expediente's whole record as a PDF. */
export const recordUrl = (id: string): string => apiUrl(`${expedientePath(id)}/record.pdf`);

/** Where the browser shows the document's latest version (a PDF, an image or text). */
export const previewUrl = (documentId: string): string =>
  apiUrl(`${documentPath(documentId)}/preview`);

/** The text of a document whose type is text/plain, to show as it is. */
export const previewText = async (documentId: string): Promise<string> =>
  (
    await request<string>(`${documentPath(documentId)}/preview`, {
      headers: { accept: 'text/plain' },
    })
  ).data;

/** Where the browser downloads the document: its latest version, or the one asked for. */
export const downloadUrl = (documentId: string, version?: number): string =>
  apiUrl(
    `${documentPath(documentId)}/content`,
    version === undefined ? {} : { version: String(version) },
  );
