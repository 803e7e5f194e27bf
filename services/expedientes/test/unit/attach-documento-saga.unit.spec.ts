import { sagaScript } from '@expedientes/shared-kernel/testing';
import { attachDocumentoSaga } from '../../src/application/attach-documento/attach-documento-saga';
import { at, DocumentoMother, ExpedienteMother, FaseMother } from '../support/mothers';
import { given } from '../support/given';
import { sagaFixture } from '../support/saga-fixture';

const start = { expedienteId: 'exp-1', documentId: 'doc-3', documentos: null };
const registered = { expedienteId: 'exp-1', documentos: [DocumentoMother.of('doc-3')] };

describe('the AttachDocumento saga', () => {
  let fixture: ReturnType<typeof sagaFixture>;
  let saga: ReturnType<typeof attachDocumentoSaga>;

  beforeEach(async () => {
    fixture = sagaFixture();
    saga = attachDocumentoSaga(fixture.deps);
    await given(fixture.expedientes, ExpedienteMother.abierto());
  });

  it('registers the document with documents, then adds it to the expediente', async () => {
    await sagaScript(saga)
      .start(start)
      .expectCommand('documents.RegisterDocuments', {
        expedienteId: 'exp-1',
        documentIds: ['doc-3'],
      })
      .reply('documents.DocumentsRegistered', registered)
      .replyAgain()
      .expectCompleted();

    const expediente = await fixture.expedientes.findById('exp-1');
    expect(expediente?.tieneVersion('doc-3', 1)).toBe(true);
    const stream = await fixture.eventStore.readStream('expediente-exp-1');
    expect(stream.filter((e) => e.type.endsWith('documento-adjuntado.v1'))).toHaveLength(1);
  });

  it("ends with documents' reason when it refuses the document", async () => {
    await sagaScript(saga)
      .start(start)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistrationFailed', {
        code: 'DOCUMENTS.ALREADY_REGISTERED',
        reason: 'El documento doc-3 pertenece a otro expediente',
        documentIds: ['doc-3'],
      })
      .expectCompensated(/^DOCUMENTS.ALREADY_REGISTERED: /);

    expect((await fixture.expedientes.findById('exp-1'))?.tieneVersion('doc-3', 1)).toBe(false);
  });

  it('releases the document when the expediente was finished meanwhile', async () => {
    // Checked when asked for, finished by another user before documents answered.
    const expediente = await fixture.expedientes.findById('exp-1');
    expediente?.cambiarFase(FaseMother.finalizado(), at('2030-01-02T09:00:00Z'));
    await given(fixture.expedientes, expediente!);

    await sagaScript(saga)
      .start(start)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', registered)
      .expectCommand('documents.ReleaseDocuments', {
        expedienteId: 'exp-1',
        documentIds: ['doc-3'],
      })
      .reply('documents.DocumentsReleased', { expedienteId: 'exp-1' })
      .expectCompensated(/^EXPEDIENTE.ESTADO_NO_PERMITE: /);
  });
});
