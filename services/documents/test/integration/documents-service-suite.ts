import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Consumer,
  documents,
  expedientes,
  type Envelope,
  EnvelopeFactory,
  type MessageBus,
  silentLogger,
  topics,
} from '@expedientes/shared-kernel';
import {
  createServiceHttpApp,
  JwtIdentityVerifier,
  ServiceMetrics,
  type ServiceModule,
} from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import type { DocumentsSettings } from '../../src/infrastructure/config';
import type { CommonDependencies } from '../../src/composition-root';
import { png, texto } from '../unit/mothers/contenidos';

const MiB = 1024 * 1024;
const HOUR = 60 * 60 * 1000;

export const testSettings: DocumentsSettings = {
  maxBytes: 5 * MiB,
  stagedUploadTtlMs: 24 * HOUR,
  sweepIntervalMs: 100,
};

/** One documents module on a given infrastructure, as the suite needs it. */
export interface DocumentsUnderTest {
  readonly module: ServiceModule;
  /** The bus the suite plays the other services on: the module's, or another client of its broker. */
  readonly bus: MessageBus;
  /** Uploads begun and neither finished nor cleaned away: what a cut-off upload must not leave. */
  readonly unfinishedUploads: () => Promise<number>;
  /** Closes what the setup opened, after the module has stopped. */
  readonly dispose: () => Promise<void>;
}

export type OpenDocuments = (common: CommonDependencies) => Promise<DocumentsUnderTest>;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The documents service driven as the other parts of the platform drive it: its HTTP API with
 * real tokens, and the saga commands of the expedientes orchestrator on the bus.
 */
export function documentsServiceSuite(name: string, open: OpenDocuments): void {
  describe(name, () => {
    let now = new Date('2030-06-01T08:00:00.000Z');
    let underTest: DocumentsUnderTest;
    let server: Server;
    let base: string;
    let issuer: TestTokenIssuer;
    let collector: Consumer;
    const seen: Envelope[] = [];
    const envelopes = new EnvelopeFactory(randomUUID);

    beforeAll(async () => {
      issuer = await TestTokenIssuer.create();
      underTest = await open({
        logger: silentLogger,
        metrics: new ServiceMetrics('documents'),
        clock: () => now,
      });
      await underTest.module.start();
      collector = await underTest.bus.subscribe({
        group: `documents-int-test-${randomUUID()}`,
        topics: [topics.replies('documents'), topics.events('documents')],
        handler: async (message) => {
          seen.push(message);
        },
      });
      const app = createServiceHttpApp({
        service: 'documents',
        logger: silentLogger,
        metrics: new ServiceMetrics('documents'),
        readiness: underTest.module.readiness,
        identity: new JwtIdentityVerifier({
          issuer: issuer.issuer,
          audience: issuer.audience,
          keys: issuer.jwks,
        }),
        api: underTest.module.api,
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }, 60_000);

    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await collector?.stop();
      await underTest?.module.stop();
      await underTest?.dispose();
    }, 60_000);

    const token = (roles: string[] = ['tramitador']) => issuer.token({ userId: 'ana', roles });

    const call = async (path: string, init: RequestInit & { roles?: string[] } = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) {
        headers.set('authorization', `Bearer ${await token(init.roles)}`);
      }
      return fetch(`${base}${path}`, { ...init, headers });
    };

    const upload = async (
      bytes: Buffer,
      nombre = 'documento.bin',
      headers: Record<string, string> = {},
    ) => {
      const response = await call('/documents', {
        method: 'POST',
        body: bytes,
        headers: {
          'content-type': 'application/octet-stream',
          'x-file-name': encodeURIComponent(nombre),
          ...headers,
        },
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { documentId: string; [field: string]: unknown };
    };

    const metadata = async (documentId: string) =>
      (await (await call(`/documents/${documentId}`)).json()) as Record<string, unknown>;

    const sendCommand = async (
      contract: typeof documents.RegisterDocuments | typeof documents.ReleaseDocuments,
      expedienteId: string,
      documentIds: string[],
    ) => {
      const command = envelopes.create({
        type: contract.type,
        key: expedienteId,
        actor: { userId: 'ana', roles: ['tramitador'] },
        payload: { sagaId: `saga-${randomUUID()}`, expedienteId, documentIds },
      });
      await underTest.bus.publish(topics.commands('documents'), [command]);
      return command;
    };

    const replyTypes: string[] = [
      documents.DocumentsRegistered.type,
      documents.DocumentsRegistrationFailed.type,
      documents.DocumentsReleased.type,
    ];
    const repliesTo = (command: Envelope) =>
      seen.filter((m) => m.causationId === command.id && replyTypes.includes(m.type));
    const replyTo = (command: Envelope) =>
      eventually(() => repliesTo(command)[0], `the reply to ${command.type}`);
    const eventsOf = (type: string, documentId: string) =>
      seen.filter(
        (m) =>
          m.type === type &&
          ((m.payload as { documentId?: string }).documentId === documentId ||
            (m.payload as { documento?: { documentId: string } }).documento?.documentId ===
              documentId),
      );

    it('is ready once its stores and its consumer are', async () => {
      const response = await fetch(`${base}/health/ready`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { checks: { name: string; status: string }[] };
      expect(body.checks.map((check) => check.status)).not.toContain('down');
      expect(body.checks.map((check) => check.name)).toContain('bus');
    });

    it('takes a few MB and gives them back byte for byte, with the right headers', async () => {
      const bytes = randomBytes(3 * MiB + 4321);
      const nombre = 'Informe técnico (versión final).bin';

      const created = await upload(bytes, nombre);
      expect(created).toMatchObject({
        nombre,
        version: 1,
        size: bytes.length,
        sha256: sha256(bytes),
        mediaType: 'application/octet-stream',
        expedienteId: null,
        subidoPor: 'ana',
        subidoAt: now.toISOString(),
      });

      const response = await call(`/documents/${created.documentId}/content`);
      expect(response.status).toBe(200);
      expect(Object.fromEntries(response.headers)).toMatchObject({
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
        'content-disposition':
          `attachment; filename="Informe tecnico (version final).bin"; ` +
          `filename*=UTF-8''Informe%20t%C3%A9cnico%20%28versi%C3%B3n%20final%29.bin`,
        etag: `"${sha256(bytes)}"`,
        'x-content-type-options': 'nosniff',
      });
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

      const again = await call(`/documents/${created.documentId}/content`, {
        // As a browser revalidates; fetch would otherwise add `cache-control: no-cache`.
        headers: { 'if-none-match': `"${sha256(bytes)}"`, 'cache-control': 'max-age=0' },
      });
      expect(again.status).toBe(304);

      await eventually(
        () => eventsOf(documents.DocumentoSubido.type, created.documentId)[0],
        'DocumentoSubido',
      );
      expect(eventsOf(documents.DocumentoSubido.type, created.documentId)[0].payload).toEqual({
        documento: expect.objectContaining({ documentId: created.documentId, version: 1 }),
        expedienteId: null,
      });
    });

    it('detects a PNG sent as something else as image/png', async () => {
      const created = await upload(png(), 'escrito.pdf', { 'content-type': 'application/pdf' });
      expect(created.mediaType).toBe('image/png');
      const response = await call(`/documents/${created.documentId}/content`);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await response.arrayBuffer()).equals(png())).toBe(true);
    });

    it('takes the name from ?nombre= too', async () => {
      const response = await call(`/documents?nombre=${encodeURIComponent('acta.txt')}`, {
        method: 'POST',
        body: texto(),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({
        nombre: 'acta.txt',
        mediaType: 'text/plain; charset=utf-8',
      });
    });

    it('leaves no file and no handle behind of an upload cut off mid-body', async () => {
      expect(await underTest.unfinishedUploads()).toBe(0);
      const { port } = new URL(base);
      const cut = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/documents',
        headers: {
          authorization: `Bearer ${await token()}`,
          'content-type': 'application/octet-stream',
          'content-length': String(512 * 1024),
          'x-file-name': 'cortado.bin',
        },
      });
      cut.on('error', () => undefined);
      // More than one GridFS chunk (255 KiB), so that both stores have begun writing.
      cut.write(randomBytes(300 * 1024));
      await eventually(
        async () => ((await underTest.unfinishedUploads()) > 0 ? true : undefined),
        'the upload to begin',
      );
      cut.destroy();
      await eventually(
        async () => ((await underTest.unfinishedUploads()) === 0 ? true : undefined),
        'the cut-off upload to be cleaned away',
      );
    });

    it('refuses a version from a validador, as the public API does, and keeps the document', async () => {
      const created = await upload(texto(), 'memoria.txt');
      const response = await call(`/documents/${created.documentId}/versions`, {
        method: 'POST',
        body: png(),
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'memoria.png' },
        roles: ['validador'],
      });
      expect(response.status).toBe(403);
      expect(await metadata(created.documentId)).toMatchObject({
        version: 1,
        nombre: 'memoria.txt',
      });
    });

    it('adds versions and serves each of them', async () => {
      const created = await upload(texto(), 'memoria.txt');
      const response = await call(`/documents/${created.documentId}/versions`, {
        method: 'POST',
        body: png(),
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'memoria.png' },
        roles: ['tramitador'],
      });
      expect(response.status).toBe(201);

      const document = await metadata(created.documentId);
      expect(document).toMatchObject({ version: 2, nombre: 'memoria.png', mediaType: 'image/png' });
      expect(document.versiones).toEqual([
        expect.objectContaining({ version: 1, nombre: 'memoria.txt', sha256: sha256(texto()) }),
        expect.objectContaining({ version: 2, nombre: 'memoria.png', sha256: sha256(png()) }),
      ]);
      const first = await call(`/documents/${created.documentId}/content?version=1`);
      expect(first.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(Buffer.from(await first.arrayBuffer()).equals(texto())).toBe(true);
      const latest = await call(`/documents/${created.documentId}/content`);
      expect(Buffer.from(await latest.arrayBuffer()).equals(png())).toBe(true);
      expect((await call(`/documents/${created.documentId}/content?version=3`)).status).toBe(404);
      expect((await call(`/documents/${created.documentId}/content?version=x`)).status).toBe(400);
    });

    it('answers 400 without a name, 404 for unknown ids, 413 over the limit, 401/403', async () => {
      const noName = await call('/documents', {
        method: 'POST',
        body: texto(),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(noName.status).toBe(400);
      expect(await noName.json()).toMatchObject({
        code: 'DOCUMENTS.NAME_INVALID',
        detail: 'Falta el nombre del documento',
      });

      for (const path of ['/documents/nope', '/documents/nope/content']) {
        const response = await call(path);
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ code: 'DOCUMENTS.NOT_FOUND' });
      }
      const versionOfNothing = await call('/documents/nope/versions', {
        method: 'POST',
        body: texto(),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(versionOfNothing.status).toBe(404);

      const tooLarge = await call('/documents', {
        method: 'POST',
        body: randomBytes(testSettings.maxBytes + 1),
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'grande.bin' },
      });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toMatchObject({ code: 'CONTENT.TOO_LARGE' });
      // Streamed with no declared length: refused once the limit is passed.
      const piece = randomBytes(64 * 1024);
      let sent = 0;
      const streamed = await call('/documents', {
        method: 'POST',
        body: new ReadableStream({
          pull(controller) {
            sent += piece.length;
            if (sent > 3 * testSettings.maxBytes) controller.close();
            else controller.enqueue(piece);
          },
        }),
        duplex: 'half',
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'grande.bin' },
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await streamed.json()).toMatchObject({ code: 'CONTENT.TOO_LARGE' });

      const anonymous = await fetch(`${base}/documents/nope`);
      expect(anonymous.status).toBe(401);
      expect((await call('/documents/nope', { roles: ['lector'] })).status).toBe(403);
    });

    it('claims the documents for an expediente (RegisterDocuments)', async () => {
      const a = await upload(texto(), 'a.txt');
      const b = await upload(png(), 'b.png');
      const expedienteId = `exp-${randomUUID()}`;

      const command = await sendCommand(documents.RegisterDocuments, expedienteId, [
        a.documentId,
        b.documentId,
      ]);

      const reply = await replyTo(command);
      expect(reply).toMatchObject({
        type: documents.DocumentsRegistered.type,
        key: expedienteId,
        correlationId: command.correlationId,
        payload: {
          sagaId: command.payload.sagaId,
          expedienteId,
          documentos: [
            expect.objectContaining({ documentId: a.documentId, sha256: sha256(texto()) }),
            expect.objectContaining({ documentId: b.documentId, mediaType: 'image/png' }),
          ],
        },
      });
      expect((await metadata(a.documentId)).expedienteId).toBe(expedienteId);
      await eventually(
        () => eventsOf(documents.DocumentoRegistrado.type, b.documentId)[0],
        'DocumentoRegistrado',
      );

      // A new version of a claimed document says which expediente it belongs to.
      await call(`/documents/${a.documentId}/versions`, {
        method: 'POST',
        body: texto(),
        headers: { 'content-type': 'application/octet-stream' },
      });
      const subido = await eventually(
        () =>
          eventsOf(documents.DocumentoSubido.type, a.documentId).find(
            (m) => (m.payload as { documento: { version: number } }).documento.version === 2,
          ),
        'DocumentoSubido of version 2',
      );
      expect(subido).toMatchObject({ key: expedienteId, payload: { expedienteId } });
    });

    it('fails the step for an unknown document, claiming none', async () => {
      const a = await upload(texto(), 'a.txt');
      const command = await sendCommand(documents.RegisterDocuments, `exp-${randomUUID()}`, [
        a.documentId,
        'no-existe',
      ]);

      expect(await replyTo(command)).toMatchObject({
        type: documents.DocumentsRegistrationFailed.type,
        payload: {
          code: 'DOCUMENTS.NOT_FOUND',
          reason: 'No existe el documento no-existe',
          documentIds: ['no-existe'],
        },
      });
      expect((await metadata(a.documentId)).expedienteId).toBeNull();
    });

    it('fails the step for a document another expediente has, claiming none', async () => {
      const a = await upload(texto(), 'a.txt');
      const b = await upload(texto(), 'b.txt');
      const other = `exp-${randomUUID()}`;
      await replyTo(await sendCommand(documents.RegisterDocuments, other, [b.documentId]));

      const command = await sendCommand(documents.RegisterDocuments, `exp-${randomUUID()}`, [
        a.documentId,
        b.documentId,
      ]);

      expect(await replyTo(command)).toMatchObject({
        type: documents.DocumentsRegistrationFailed.type,
        payload: { code: 'DOCUMENTS.ALREADY_REGISTERED', documentIds: [b.documentId] },
      });
      expect((await metadata(a.documentId)).expedienteId).toBeNull();
      expect((await metadata(b.documentId)).expedienteId).toBe(other);
    });

    it('answers a duplicated command the same, claiming once', async () => {
      const a = await upload(texto(), 'a.txt');
      const command = await sendCommand(documents.RegisterDocuments, `exp-${randomUUID()}`, [
        a.documentId,
      ]);
      await replyTo(command);
      await underTest.bus.publish(topics.commands('documents'), [command]);

      const [first, second] = await eventually(
        () => (repliesTo(command).length >= 2 ? repliesTo(command) : undefined),
        'two replies',
      );
      expect(second.type).toBe(documents.DocumentsRegistered.type);
      expect(second.payload).toEqual(first.payload);
      expect(eventsOf(documents.DocumentoRegistrado.type, a.documentId)).toHaveLength(1);
    });

    it('gives the documents back on ReleaseDocuments, again and again', async () => {
      const a = await upload(texto(), 'a.txt');
      const expedienteId = `exp-${randomUUID()}`;
      await replyTo(await sendCommand(documents.RegisterDocuments, expedienteId, [a.documentId]));

      for (let round = 0; round < 2; round++) {
        const release = await sendCommand(documents.ReleaseDocuments, expedienteId, [a.documentId]);
        expect(await replyTo(release)).toMatchObject({
          type: documents.DocumentsReleased.type,
          payload: { sagaId: release.payload.sagaId, expedienteId },
        });
      }
      expect((await metadata(a.documentId)).expedienteId).toBeNull();
      expect(eventsOf(documents.DocumentoLiberado.type, a.documentId)).toHaveLength(1);
    });

    it('takes no new version of a document once its expediente has ended', async () => {
      const a = await upload(texto(), 'a.txt');
      const expedienteId = `exp-${randomUUID()}`;
      await replyTo(await sendCommand(documents.RegisterDocuments, expedienteId, [a.documentId]));
      const fase = (codigo: string, final: boolean) => ({ codigo, nombre: codigo, final });
      const version = () =>
        call(`/documents/${a.documentId}/versions`, {
          method: 'POST',
          body: png(),
          headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'tarde.png' },
          roles: ['tramitador'],
        });
      await underTest.bus.publish(topics.events('expedientes'), [
        envelopes.create({
          type: expedientes.FaseDeExpedienteCambiada.type,
          key: expedienteId,
          actor: { userId: 'victor', roles: ['validador'] },
          payload: {
            expedienteId,
            version: 5,
            desde: fase('VALIDACION', false),
            hacia: fase('FINALIZADO', true),
          },
        }),
      ]);
      // Until documents has read the event, a version still goes in; from then on, none.
      const refused = await eventually(async () => {
        const response = await version();
        return response.status === 422 ? response : undefined;
      }, 'the version refused');
      expect(await refused.json()).toMatchObject({ code: 'DOCUMENTS.EXPEDIENTE_CERRADO' });
      const { version: last } = await metadata(a.documentId);
      expect((await version()).status).toBe(422);
      expect((await metadata(a.documentId)).version).toBe(last);
    });

    // Last: moving the clock on makes every staged upload of the suite old.
    it('sweeps away staged uploads past their time, keeping claimed ones', async () => {
      const staged = await upload(texto(), 'olvidado.txt');
      const claimed = await upload(texto(), 'reclamado.txt');
      await replyTo(
        await sendCommand(documents.RegisterDocuments, `exp-${randomUUID()}`, [claimed.documentId]),
      );
      now = new Date(now.getTime() + testSettings.stagedUploadTtlMs - 1000);
      await new Promise((resolve) => setTimeout(resolve, 5 * testSettings.sweepIntervalMs));
      expect((await call(`/documents/${staged.documentId}`)).status).toBe(200);

      now = new Date(now.getTime() + 2000);

      await eventually(
        async () =>
          (await call(`/documents/${staged.documentId}`)).status === 404 ? true : undefined,
        'the staged upload to be swept',
      );
      expect((await call(`/documents/${staged.documentId}/content`)).status).toBe(404);
      expect((await call(`/documents/${claimed.documentId}`)).status).toBe(200);
      const content = await call(`/documents/${claimed.documentId}/content`);
      expect(Buffer.from(await content.arrayBuffer()).equals(texto())).toBe(true);
    });
  });
}
