import type { DocumentsEndpoints } from '@expedientes/documents';
import { Actor, IdentityVerifier } from '@expedientes/shared-kernel';
import { InProcessDocumentsApi } from '../../src/adapters/in-process/in-process-documents-api';
import { InProcessService } from '../../src/adapters/in-process/in-process-service';
import { UploadTooLargeError } from '../../src/api/api-errors';
import { problemOf } from '../support/problem-of';
import { DocumentsApi } from '../../src/ports/documents-api';

const ana: Actor = { userId: 'ana', roles: ['tramitador'] };
const tokens: IdentityVerifier = { verify: async () => ana };
const call = { token: 'ana-token', correlationId: 'corr-1' };

const version = {
  version: 1,
  nombre: 'informe.pdf',
  mediaType: 'application/pdf',
  size: 6,
  sha256: 'ab'.repeat(32),
  subidoAt: '2030-01-02T03:04:05.000Z',
  subidoPor: 'ana',
};
const vista = {
  documentId: 'doc-1',
  ...version,
  expedienteId: null,
  actualizadoAt: version.subidoAt,
  actualizadoPor: 'ana',
  versiones: [version],
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A file whose bytes come slowly, `gapMs` apart. */
async function* slowly(chunks: string[], gapMs: number): AsyncIterable<Uint8Array> {
  for (const chunk of chunks) {
    await pause(gapMs);
    yield Buffer.from(chunk);
  }
}

const noDownloads: Pick<DocumentsApi, 'download'> = {
  download: () => Promise.reject(new Error('not expected')),
};

function apiWith(
  endpoints: Partial<DocumentsEndpoints>,
  timeoutMs = 1_000,
  downloads = noDownloads,
) {
  const service = new InProcessService('documents', tokens, timeoutMs, async () => undefined);
  return new InProcessDocumentsApi(endpoints as DocumentsEndpoints, service, downloads);
}

describe('The documents API called in process', () => {
  it('streams an upload into the service as the caller, and answers its document', async () => {
    const received: string[] = [];
    const api = apiWith({
      async upload(archivo, caller) {
        expect(caller).toEqual({ actor: ana, correlationId: 'corr-1' });
        expect(archivo.nombre).toBe('informe.pdf');
        for await (const chunk of archivo.contenido) received.push(Buffer.from(chunk).toString());
        return vista;
      },
    });
    const subido = await api.upload(
      { nombre: 'informe.pdf', contenido: slowly(['abc', 'def'], 1) },
      call,
    );
    expect(received).toEqual(['abc', 'def']);
    expect(subido).toMatchObject({ documentId: 'doc-1', version: 1, subidoAt: version.subidoAt });
  });

  it('starts an upload’s deadline once its last byte is in, not before', async () => {
    const api = apiWith(
      {
        async upload(archivo) {
          for await (const chunk of archivo.contenido) void chunk;
          return vista;
        },
      },
      30,
    );
    // Three chunks 20 ms apart outlast the 30 ms deadline, which only counts after them.
    const slow = { nombre: 'lento.pdf', contenido: slowly(['a', 'b', 'c'], 20) };
    await expect(api.upload(slow, call)).resolves.toMatchObject({ documentId: 'doc-1' });
  });

  it('answers a store that does not answer once the upload is in with a 504', async () => {
    const api = apiWith(
      {
        async upload(archivo) {
          for await (const chunk of archivo.contenido) void chunk;
          return new Promise<never>(() => undefined);
        },
      },
      30,
    );
    const stalled = api.upload({ nombre: 'x.pdf', contenido: slowly(['a'], 1) }, call);
    expect(await problemOf(stalled)).toMatchObject({
      status: 504,
      code: 'API.SERVICE_TIMEOUT',
    });
  });

  it('answers with what the file itself failed with, however the store passed it on', async () => {
    const tooLarge = new UploadTooLargeError(3);
    async function* overTheLimit(): AsyncIterable<Uint8Array> {
      yield Buffer.from('abc');
      throw tooLarge;
    }
    const api = apiWith({
      async upload(archivo) {
        try {
          for await (const chunk of archivo.contenido) void chunk;
        } catch (error) {
          throw new Error(`the store gave up: ${String(error)}`);
        }
        return vista;
      },
    });
    const refused = api.upload({ nombre: 'grande.pdf', contenido: overTheLimit() }, call);
    // The gateway answers it as its own: a 413.
    await expect(refused).rejects.toBe(tooLarge);
  });

  it('leaves downloads to the service’s HTTP handler', async () => {
    const asked: unknown[] = [];
    const api = apiWith({}, 1_000, {
      async download(peticion) {
        asked.push(peticion);
        return { status: 304, headers: { etag: '"x"' }, body: null };
      },
    });
    const answer = await api.download({ documentId: 'doc-1', ifNoneMatch: '"x"' }, call);
    expect(answer.status).toBe(304);
    expect(asked).toEqual([{ documentId: 'doc-1', ifNoneMatch: '"x"' }]);
  });
});
