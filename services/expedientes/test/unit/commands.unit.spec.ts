import { Envelope } from '@expedientes/shared-kernel';
import { ActorMother, DocumentoMother, FaseMother } from '../support/mothers';
import { applicationFixture } from '../support/application-fixture';
import { RecordDocumentVersion } from '../../src/application/record-document-version/record-document-version';
import { silentLogger } from '@expedientes/shared-kernel';
import {
  ADVANCE_PHASE,
  AdvancePhaseData,
} from '../../src/application/advance-phase/advance-phase-saga';
import { keyedId } from '../../src/application/sagas/saga-runner';

const abrir = {
  codigo: 'EXP-2030/001',
  opcionInicial: 'SEDE_ELECTRONICA',
  descripcion: 'Licencia de actividad',
  documentIds: ['doc-1', 'doc-2'],
};

describe('the commands', () => {
  let app: ReturnType<typeof applicationFixture>;

  beforeEach(() => {
    app = applicationFixture();
  });

  const opened = async (codigo = abrir.codigo): Promise<string> => {
    const outcome = await app.openExpediente.execute({ ...abrir, codigo }, app.request());
    if (outcome.status !== 'done') throw new Error('the expediente did not open');
    return outcome.result.expedienteId;
  };

  describe('OpenExpediente', () => {
    it('answers with the opened expediente when its saga ends in time', async () => {
      const outcome = await app.openExpediente.execute(abrir, app.request());
      expect(outcome).toEqual({
        status: 'done',
        result: {
          expedienteId: 'exp-1',
          codigo: 'EXP-2030/001',
          estado: 'abierto',
          fase: FaseMother.inicial(),
          version: 1,
        },
      });
      expect(app.participants.commandTypes()).toEqual([
        'documents.RegisterDocuments',
        'bpm.StartProcess',
      ]);
    });

    it('answers with the saga to follow when it takes longer', async () => {
      app = applicationFixture({ waitMs: 30 });
      app.participants.answer = () => null;
      const outcome = await app.openExpediente.execute(abrir, app.request());
      expect(outcome).toEqual({ status: 'accepted', sagaId: expect.any(String) });
      const saga = await app.sagaStore.load((outcome as { sagaId: string }).sagaId);
      expect(saga?.status).toBe('running');
    });

    it('accepts the request with its saga, never an error, when the saga was stored but its command could not be sent', async () => {
      const publish = app.participants.publish.bind(app.participants);
      app.participants.publish = async () => {
        throw new Error('KafkaJSNonRetriableError: connect ECONNREFUSED');
      };
      const outcome = await app.openExpediente.execute(abrir, app.request());
      expect(outcome).toEqual({ status: 'accepted', sagaId: expect.any(String) });
      const saga = await app.sagaStore.load((outcome as { sagaId: string }).sagaId);
      expect(saga).toMatchObject({ status: 'running', pending: expect.anything() });

      // Nothing stored: the error is the answer.
      app.participants.publish = publish;
      app.sagaStore.create = async () => {
        throw new Error('disk full');
      };
      await expect(
        app.openExpediente.execute({ ...abrir, codigo: 'EXP-2030/002' }, app.request()),
      ).rejects.toThrow('disk full');
    });

    it('refuses a code in use as a conflict, also in other letter case', async () => {
      await opened('EXP-2030/001');
      await expect(
        app.openExpediente.execute({ ...abrir, codigo: 'exp-2030/001' }, app.request()),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.CODIGO_DUPLICADO', kind: 'conflict' });
    });

    it('lets exactly one of two requests racing for a code have it', async () => {
      const outcomes = await Promise.allSettled([
        app.openExpediente.execute(abrir, app.request()),
        app.openExpediente.execute(abrir, app.request()),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toMatchObject({
        code: 'EXPEDIENTE.CODIGO_DUPLICADO',
      });
    });

    it("passes documents' refusal on with its code, and frees the code", async () => {
      const cooperative = app.participants.answer;
      app.participants.answer = (command: Envelope) =>
        command.type === 'documents.RegisterDocuments'
          ? {
              type: 'documents.DocumentsRegistrationFailed',
              payload: {
                code: 'DOCUMENTS.NOT_FOUND',
                reason: 'No existe el documento doc-2',
                documentIds: ['doc-2'],
              },
            }
          : cooperative(command);
      await expect(app.openExpediente.execute(abrir, app.request())).rejects.toMatchObject({
        code: 'DOCUMENTS.NOT_FOUND',
        kind: 'rule',
        message: 'No se pudo crear el expediente: No existe el documento doc-2',
        details: { expedienteId: 'exp-1' },
      });
      expect((await app.expedientes.findById('exp-1'))?.estadoActual).toBe('creacion_rechazada');

      app.participants.answer = cooperative;
      await expect(opened()).resolves.toBe('exp-2');
    });

    it('refuses bad input and users who may not open expedientes, before any saga', async () => {
      await expect(
        app.openExpediente.execute({ ...abrir, codigo: 'EXP 1' }, app.request()),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.CODIGO_INVALIDO' });
      await expect(
        app.openExpediente.execute(abrir, app.request(ActorMother.validador())),
      ).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN', kind: 'forbidden' });
      expect(app.participants.commands).toEqual([]);
    });
  });

  describe('with an Idempotency-Key', () => {
    const keyed = (key: string, actor = ActorMother.tramitadora()) => ({
      ...app.request(actor),
      idempotencyKey: key,
    });

    it("answers a retried open with the first one's expediente, and opens it once", async () => {
      const first = await app.openExpediente.execute(abrir, keyed('clave-1'));
      const retry = await app.openExpediente.execute(abrir, keyed('clave-1'));
      expect(first.status).toBe('done');
      expect(retry).toEqual(first);
      expect(app.participants.commandTypes()).toEqual([
        'documents.RegisterDocuments',
        'bpm.StartProcess',
      ]);
    });

    it('refuses the same key for another request, and keeps keys apart by caller', async () => {
      await app.openExpediente.execute(abrir, keyed('clave-1'));
      await expect(
        app.openExpediente.execute({ ...abrir, codigo: 'EXP-2030/009' }, keyed('clave-1')),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.IDEMPOTENCY_KEY_REUSED', kind: 'rule' });
      const other = await app.openExpediente.execute(
        { ...abrir, codigo: 'EXP-2030/009' },
        keyed('clave-1', ActorMother.admin()),
      );
      expect(other.status).toBe('done');
    });

    it('answers a retried change of phase with its outcome, not with "already there"', async () => {
      const id = await opened();
      const change = { expedienteId: id, hacia: 'ANALISIS_TECNICO' };
      const first = await app.advancePhase.execute(change, keyed('fase-1'));
      const retry = await app.advancePhase.execute(change, keyed('fase-1'));
      expect(first.status).toBe('done');
      expect(retry).toEqual(first);
      await expect(app.advancePhase.execute(change, app.request())).rejects.toMatchObject({
        kind: 'rule',
      });
      expect(
        app.participants.commandTypes().filter((type) => type === 'bpm.RequestTransition'),
      ).toHaveLength(1);
    });
  });

  describe('AdvancePhase', () => {
    it('answers a retry whose saga ended before it kept its result, from the stored expediente', async () => {
      const id = await opened();
      const change = { expedienteId: id, hacia: 'ANALISIS_TECNICO' };
      const request = { ...app.request(), idempotencyKey: 'fase-antigua' };
      const first = await app.advancePhase.execute(change, request);
      const sagaId = keyedId(ADVANCE_PHASE, request)!;
      const stored = (await app.sagaStore.load(sagaId))!;
      const { resultante, ...older } = stored.data as AdvancePhaseData;
      expect(resultante).toEqual({ estado: 'abierto', fase: FaseMother.analisis(), version: 2 });
      await app.sagaStore.save(
        { ...stored, data: older, version: stored.version + 1 },
        stored.version,
      );
      await expect(app.advancePhase.execute(change, request)).resolves.toEqual(first);
    });

    it('answers with the transition bpm recorded', async () => {
      const id = await opened();
      await expect(
        app.advancePhase.execute({ expedienteId: id, hacia: 'ANALISIS_TECNICO' }, app.request()),
      ).resolves.toEqual({
        status: 'done',
        result: {
          expedienteId: id,
          desde: FaseMother.inicial(),
          hacia: FaseMother.analisis(),
          estado: 'abierto',
          version: 2,
        },
      });
    });

    it("passes bpm's refusal on with its code and reason", async () => {
      const id = await opened();
      await expect(
        app.advancePhase.execute({ expedienteId: id, hacia: 'ARCHIVADO' }, app.request()),
      ).rejects.toMatchObject({
        code: 'BPM.TRANSITION_NOT_ALLOWED',
        kind: 'rule',
        message: 'No se puede pasar de INICIAL a ARCHIVADO: el procedimiento no lo permite',
      });
      await expect(
        app.advancePhase.execute(
          { expedienteId: id, hacia: 'ANALISIS_TECNICO' },
          app.request(ActorMother.validador()),
        ),
      ).rejects.toMatchObject({ code: 'BPM.ROLE_NOT_ALLOWED', kind: 'rule' });
    });

    it('refuses what the expediente itself cannot do without asking bpm', async () => {
      const id = await opened();
      const before = app.participants.commands.length;
      await expect(
        app.advancePhase.execute({ expedienteId: id, hacia: 'INICIAL' }, app.request()),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.MISMA_FASE' });
      await expect(
        app.advancePhase.execute({ expedienteId: 'nope', hacia: 'VALIDACION' }, app.request()),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.NO_ENCONTRADO', kind: 'not_found' });
      expect(app.participants.commands).toHaveLength(before);
    });
  });

  describe('EditDescripcion', () => {
    it('edits the version the user saw, and refuses a stale one', async () => {
      const id = await opened();
      const edited = await app.editDescripcion.execute(
        { expedienteId: id, descripcion: 'Nueva', expectedVersion: 1 },
        app.request(),
      );
      expect(edited).toEqual({ expedienteId: id, descripcion: 'Nueva', version: 2 });
      await expect(
        app.editDescripcion.execute(
          { expedienteId: id, descripcion: 'Otra', expectedVersion: 1 },
          app.request(),
        ),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.VERSION_OBSOLETA', kind: 'conflict' });
      expect((await app.expedientes.findById(id))?.descripcion).toBe('Nueva');
    });

    it('is for those who process expedientes', async () => {
      const id = await opened();
      await expect(
        app.editDescripcion.execute(
          { expedienteId: id, descripcion: 'x', expectedVersion: 1 },
          app.request(ActorMother.validador()),
        ),
      ).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    });
  });

  describe('AttachDocumento', () => {
    it('adds a registered document, and refuses one the expediente has', async () => {
      const id = await opened();
      const outcome = await app.attachDocumento.execute(
        { expedienteId: id, documentId: 'doc-3' },
        app.request(),
      );
      expect(outcome).toEqual({
        status: 'done',
        result: { expedienteId: id, documento: DocumentoMother.of('doc-3'), version: 2 },
      });
      await expect(
        app.attachDocumento.execute({ expedienteId: id, documentId: 'doc-1' }, app.request()),
      ).rejects.toMatchObject({ code: 'EXPEDIENTE.DOCUMENTO_YA_ADJUNTADO' });
    });
  });

  describe('RecordDocumentVersion', () => {
    it('records a new version once, and drops what no expediente can take', async () => {
      const id = await opened();
      const record = new RecordDocumentVersion(app.expedientes, app.clock, silentLogger);
      const subido = { expedienteId: id, documento: DocumentoMother.of('doc-1', { version: 2 }) };
      const request = app.request({ userId: 'documents', roles: ['system'] });

      await expect(record.execute(subido, request)).resolves.toBe('recorded');
      await expect(record.execute(subido, request)).resolves.toBe('known');
      await expect(record.execute({ ...subido, expedienteId: 'nope' }, request)).resolves.toBe(
        'ignored',
      );
      const expediente = await app.expedientes.findById(id);
      expect(expediente?.tieneVersion('doc-1', 2)).toBe(true);
      expect(expediente?.version).toBe(2);
    });
  });
});
