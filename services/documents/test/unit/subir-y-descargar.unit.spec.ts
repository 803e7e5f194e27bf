import { createHash } from 'node:crypto';
import {
  ContentTooLargeError,
  documents,
  EnvelopeFactory,
  expedientes,
  topics,
} from '@expedientes/shared-kernel';
import { ConsultarDocumento } from '../../src/application/consultar-documento/consultar-documento';
import { DescargarContenido } from '../../src/application/descargar-contenido/descargar-contenido';
import { SubirDocumento } from '../../src/application/subir-documento/subir-documento';
import { RegistrarCierre } from '../../src/application/registrar-cierre/registrar-cierre';
import { SubirVersion } from '../../src/application/subir-version/subir-version';
import {
  DocumentoModificadoALaVez,
  DocumentoNoEncontrado,
  NombreDeDocumentoInvalido,
  VersionNoEncontrada,
} from '../../src/domain/errores';
import { ana, harness } from './fakes/harness';
import { enTrozos, png, texto } from './mothers/contenidos';
import { DocumentoMother, T0 } from './mothers/documento-mother';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

function useCases(maxBytes?: number) {
  const h = harness(maxBytes);
  return {
    ...h,
    subir: new SubirDocumento(h.documentos, h.contenidos, h.mensajes, h.clock, h.newId),
    subirVersion: new SubirVersion(h.documentos, h.contenidos, h.mensajes, h.clock, h.cerrados),
    registrarCierre: new RegistrarCierre(h.cerrados, h.clock),
    consultar: new ConsultarDocumento(h.documentos),
    descargar: new DescargarContenido(h.documentos, h.contenidos),
  };
}

describe('who may upload', () => {
  it('refuses a document or a version from a validador before storing a byte, as the public API does', async () => {
    const h = useCases();
    const validador = { userId: 'victor', roles: ['validador'] };
    const documento = await h.subir.ejecutar({
      nombre: 'a.txt',
      contenido: enTrozos(texto()),
      actor: ana,
      correlationId: 'corr-1',
    });
    let leido = false;
    const contenido = (async function* () {
      leido = true;
      yield png();
    })();
    await expect(
      h.subirVersion.ejecutar({
        documentId: documento.id,
        nombre: 'reemplazo.txt',
        contenido,
        actor: validador,
        correlationId: 'corr-2',
      }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(
      h.subir.ejecutar({ nombre: 'b.txt', contenido, actor: validador, correlationId: 'corr-3' }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    expect(leido).toBe(false);
    expect((await h.consultar.ejecutar(documento.id)).version).toBe(1);
  });
});

describe('the documents of an expediente that has ended', () => {
  it('take no new version once the expediente reached a final phase', async () => {
    const h = useCases();
    const documento = DocumentoMother.registradoEn('exp-9', { id: 'doc-9' });
    await h.documentos.guardar([documento], []);
    const cambio = (hacia: { codigo: string; nombre: string; final: boolean }) =>
      new EnvelopeFactory(() => 'evt-1', h.clock).create({
        type: expedientes.FaseDeExpedienteCambiada.type,
        key: 'exp-9',
        actor: ana,
        payload: {
          expedienteId: 'exp-9',
          version: 3,
          desde: { codigo: 'VALIDACION', nombre: 'Validación', final: false },
          hacia,
        },
      });
    const version = () =>
      h.subirVersion.ejecutar({
        documentId: 'doc-9',
        nombre: 'otra.txt',
        contenido: enTrozos(png()),
        actor: ana,
        correlationId: 'c',
      });

    expect(
      await h.registrarCierre.ejecutar(cambio({ codigo: 'ANALISIS', nombre: 'A', final: false })),
    ).toBe(false);
    await expect(version()).resolves.toMatchObject({ id: 'doc-9' });

    expect(
      await h.registrarCierre.ejecutar(cambio({ codigo: 'FINALIZADO', nombre: 'F', final: true })),
    ).toBe(true);
    await expect(version()).rejects.toMatchObject({
      code: 'DOCUMENTS.EXPEDIENTE_CERRADO',
      kind: 'rule',
    });
    expect((await h.consultar.ejecutar('doc-9')).version).toBe(2);
    expect(h.files.ids()).toHaveLength(1);
  });
});

describe('SubirDocumento', () => {
  it('stores the content, detects its type, and announces the staged document', async () => {
    const h = useCases();
    const bytes = png();

    const documento = await h.subir.ejecutar({
      nombre: 'foto.jpg', // the name says JPEG; the bytes say PNG
      contenido: enTrozos(bytes),
      actor: ana,
      correlationId: 'corr-1',
    });

    expect(await h.consultar.ejecutar(documento.id)).toEqual({
      documentId: documento.id,
      version: 1,
      nombre: 'foto.jpg',
      mediaType: 'image/png',
      size: bytes.length,
      sha256: sha256(bytes),
      expedienteId: null,
      subidoAt: T0.toISOString(),
      subidoPor: 'ana',
      actualizadoAt: T0.toISOString(),
      actualizadoPor: 'ana',
      versiones: [
        {
          version: 1,
          nombre: 'foto.jpg',
          mediaType: 'image/png',
          size: bytes.length,
          sha256: sha256(bytes),
          subidoAt: T0.toISOString(),
          subidoPor: 'ana',
        },
      ],
    });
    h.assertValid(h.documentos.mensajes);
    expect(h.documentos.mensajes).toEqual([
      {
        topic: topics.events('documents'),
        envelope: expect.objectContaining({
          type: documents.DocumentoSubido.type,
          key: documento.id,
          correlationId: 'corr-1',
          actor: ana,
          payload: {
            documento: expect.objectContaining({ documentId: documento.id, version: 1 }),
            expedienteId: null,
          },
        }),
      },
    ]);
  });

  it('refuses a missing name before reading any of the content', async () => {
    const h = useCases();
    let read = false;
    const contenido = (async function* () {
      read = true;
      yield Buffer.from('x');
    })();
    await expect(
      h.subir.ejecutar({ nombre: undefined, contenido, actor: ana, correlationId: 'c' }),
    ).rejects.toThrow(NombreDeDocumentoInvalido);
    expect(read).toBe(false);
    expect(h.files.ids()).toEqual([]);
  });

  it('keeps nothing of content over the limit', async () => {
    const h = useCases(10);
    await expect(
      h.subir.ejecutar({
        nombre: 'a.txt',
        contenido: enTrozos(Buffer.alloc(11, 'a')),
        actor: ana,
        correlationId: 'c',
      }),
    ).rejects.toThrow(ContentTooLargeError);
    expect(h.files.ids()).toEqual([]);
    expect(h.documentos.mensajes).toEqual([]);
  });

  it('keeps the content when it cannot tell whether the document was saved', async () => {
    const h = useCases();
    h.documentos.antesDeGuardar = () => {
      throw new Error('store down');
    };
    await expect(
      h.subir.ejecutar({
        nombre: 'a.txt',
        contenido: enTrozos(texto()),
        actor: ana,
        correlationId: 'c',
      }),
    ).rejects.toThrow('store down');
    expect(h.files.ids()).toHaveLength(1);
  });
});

describe('SubirVersion and DescargarContenido', () => {
  async function conUnDocumento() {
    const h = useCases();
    const documento = await h.subir.ejecutar({
      nombre: 'informe.txt',
      contenido: enTrozos(texto()),
      actor: ana,
      correlationId: 'c',
    });
    h.documentos.mensajes.length = 0;
    return { ...h, documentId: documento.id };
  }

  it('adds a version with its own content, keeping the name unless given a new one', async () => {
    const h = await conUnDocumento();
    h.advance(60_000);

    await h.subirVersion.ejecutar({
      documentId: h.documentId,
      nombre: undefined,
      contenido: enTrozos(png()),
      actor: { userId: 'luis', roles: ['tramitador'] },
      correlationId: 'c2',
    });
    const vista = await h.consultar.ejecutar(h.documentId);

    expect(vista).toMatchObject({
      version: 2,
      nombre: 'informe.txt',
      mediaType: 'image/png',
      subidoPor: 'ana',
      actualizadoPor: 'luis',
      actualizadoAt: new Date(T0.getTime() + 60_000).toISOString(),
    });
    expect(vista.versiones.map((version) => [version.version, version.mediaType])).toEqual([
      [1, 'text/plain; charset=utf-8'],
      [2, 'image/png'],
    ]);
    h.assertValid(h.documentos.mensajes);
    expect(h.documentos.mensajes.map(({ envelope }) => envelope.payload)).toEqual([
      { documento: expect.objectContaining({ version: 2, subidoPor: 'luis' }), expedienteId: null },
    ]);

    const latest = await h.descargar.ejecutar({ documentId: h.documentId });
    expect((await readAll(latest.contenido)).equals(png())).toBe(true);
    const first = await h.descargar.ejecutar({ documentId: h.documentId, version: 1 });
    expect(first.version.nombre).toBe('informe.txt');
    expect((await readAll(first.contenido)).equals(texto())).toBe(true);
  });

  it('answers not found for an unknown document or version', async () => {
    const h = await conUnDocumento();
    await expect(h.descargar.ejecutar({ documentId: 'nope' })).rejects.toThrow(
      DocumentoNoEncontrado,
    );
    await expect(h.descargar.ejecutar({ documentId: h.documentId, version: 2 })).rejects.toThrow(
      VersionNoEncontrada,
    );
    await expect(h.consultar.ejecutar('nope')).rejects.toThrow(DocumentoNoEncontrado);
    await expect(
      h.subirVersion.ejecutar({
        documentId: 'nope',
        nombre: undefined,
        contenido: enTrozos(texto()),
        actor: ana,
        correlationId: 'c',
      }),
    ).rejects.toThrow(DocumentoNoEncontrado);
  });

  it('keeps no content of a version that lost a race with another one', async () => {
    const h = await conUnDocumento();
    const before = h.files.ids();
    h.documentos.antesDeGuardar = () => {
      throw new DocumentoModificadoALaVez(h.documentId);
    };
    await expect(
      h.subirVersion.ejecutar({
        documentId: h.documentId,
        nombre: 'nuevo.txt',
        contenido: enTrozos(texto()),
        actor: ana,
        correlationId: 'c',
      }),
    ).rejects.toThrow(DocumentoModificadoALaVez);
    expect(h.files.ids()).toEqual(before);
  });
});
