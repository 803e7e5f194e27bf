import { sagaScript } from '@expedientes/shared-kernel/testing';
import { CodigoDeExpediente } from '../../src/domain/codigo-de-expediente';
import {
  OpenExpedienteData,
  openExpedienteSaga,
} from '../../src/application/open-expediente/open-expediente-saga';
import { DocumentoMother, FaseMother } from '../support/mothers';
import { sagaFixture, STEP_TIMEOUT_MS } from '../support/saga-fixture';

const data: OpenExpedienteData = {
  expedienteId: 'exp-1',
  codigo: 'EXP-2030/001',
  opcionInicial: 'PETICION_DEPARTAMENTO',
  descripcion: 'Subvención para la rehabilitación de fachadas',
  documentIds: ['doc-1', 'doc-2'],
  documentos: null,
  fase: null,
};
const documentos = [DocumentoMother.of('doc-1'), DocumentoMother.of('doc-2')];
const processStarted = {
  expedienteId: 'exp-1',
  procedimiento: 'estandar',
  version: 1,
  fase: FaseMother.inicial(),
};

describe('the OpenExpediente saga', () => {
  let fixture: ReturnType<typeof sagaFixture>;
  let saga: ReturnType<typeof openExpedienteSaga>;

  beforeEach(() => {
    fixture = sagaFixture();
    saga = openExpedienteSaga(fixture.deps);
  });

  it('requests the expediente, registers its documents, starts its process and opens it', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments', {
        expedienteId: 'exp-1',
        documentIds: ['doc-1', 'doc-2'],
      })
      .reply('documents.DocumentsRegistered', { expedienteId: 'exp-1', documentos })
      .expectCommand('bpm.StartProcess', { expedienteId: 'exp-1', procedimiento: 'estandar' })
      .reply('bpm.ProcessStarted', processStarted)
      .expectCompleted()
      .expectData({
        documentos,
        fase: FaseMother.inicial(),
        // solicitado (version 0) and abierto (1): the answer is made from this.
        resultante: { estado: 'abierto', fase: FaseMother.inicial(), version: 1 },
      });

    const expediente = await fixture.expedientes.findById('exp-1');
    expect(expediente?.estadoActual).toBe('abierto');
    expect(expediente?.faseActual).toEqual(FaseMother.inicial());
    const abierto = (await fixture.eventStore.readStream('expediente-exp-1')).at(-1);
    expect(abierto?.data).toMatchObject({ documentos, fase: FaseMother.inicial() });
    expect(await fixture.holderOf('EXP-2030/001')).toBe('exp-1');
    const metadata = fixture.eventStore.events.find(
      (event) => event.streamId === 'expediente-exp-1',
    )?.metadata;
    expect(metadata).toMatchObject({
      actor: { userId: 'tramitadora', roles: ['tramitador'] },
      correlationId: 'correlation-1',
    });
  });

  it('is pending while documents registers them', async () => {
    await sagaScript(saga).start(data).expectCommand('documents.RegisterDocuments');
    expect((await fixture.expedientes.findById('exp-1'))?.estadoActual).toBe('pendiente');
  });

  it('rejects the creation with documents’ reason and frees the code when documents refuses', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistrationFailed', {
        code: 'DOCUMENTS.NOT_FOUND',
        reason: 'No existe el documento doc-2',
        documentIds: ['doc-2'],
      })
      .expectCompensated('DOCUMENTS.NOT_FOUND: No existe el documento doc-2');

    const [, rechazo] = await fixture.eventStore.readStream('expediente-exp-1');
    expect(rechazo).toMatchObject({
      type: 'expedientes.expediente.creacion-rechazada.v1',
      data: { causa: 'DOCUMENTS.NOT_FOUND', motivo: 'No existe el documento doc-2', por: 'system' },
    });
    expect(await fixture.holderOf('EXP-2030/001')).toBeNull();
  });

  it('releases the documents when bpm cannot start the process, then rejects the creation', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { expedienteId: 'exp-1', documentos })
      .expectCommand('bpm.StartProcess')
      .reply('bpm.ProcessStartFailed', {
        code: 'BPM.PROCEDURE_NOT_FOUND',
        reason: 'No existe el procedimiento estandar',
      })
      .expectCommand('documents.ReleaseDocuments', {
        expedienteId: 'exp-1',
        documentIds: ['doc-1', 'doc-2'],
      })
      .expectStatus('compensating')
      .reply('documents.DocumentsReleased', { expedienteId: 'exp-1' })
      .expectCompensated(/^BPM.PROCEDURE_NOT_FOUND/);

    expect((await fixture.expedientes.findById('exp-1'))?.estadoActual).toBe('creacion_rechazada');
    expect(await fixture.holderOf('EXP-2030/001')).toBeNull();
  });

  it('cancels the process and releases the documents when bpm does not answer in time', async () => {
    await sagaScript(saga)
      .start(data)
      .expectCommand('documents.RegisterDocuments')
      .reply('documents.DocumentsRegistered', { expedienteId: 'exp-1', documentos })
      .expectCommand('bpm.StartProcess')
      .advanceTime(STEP_TIMEOUT_MS - 1)
      .expectNoCommand()
      .advanceTime(2)
      .expectCommand('bpm.CancelProcess', { expedienteId: 'exp-1' })
      .reply('bpm.ProcessCancelled', { expedienteId: 'exp-1' })
      .expectCommand('documents.ReleaseDocuments')
      .reply('documents.DocumentsReleased', { expedienteId: 'exp-1' })
      .expectCompensated(/no reply to bpm.StartProcess/);

    const rechazo = (await fixture.eventStore.readStream('expediente-exp-1')).at(-1);
    expect(rechazo?.data).toMatchObject({
      causa: 'EXPEDIENTE.SIN_RESPUESTA',
      motivo: expect.stringContaining('bpm no respondió a tiempo'),
    });
  });

  it('refuses a code another expediente holds, asking nobody and touching nothing', async () => {
    await fixture.codigos.reservar(CodigoDeExpediente.crear('EXP-2030/001'), 'exp-0');
    await sagaScript(saga)
      .start(data)
      .expectCompensated(/^EXPEDIENTE.CODIGO_DUPLICADO: Ya existe un expediente con el código/);

    expect(await fixture.expedientes.findById('exp-1')).toBeNull();
    expect(await fixture.holderOf('EXP-2030/001')).toBe('exp-0');
  });

  it('carries on after a restart, re-sending the command it had saved', async () => {
    await sagaScript(saga)
      .crashBeforeNextPublish()
      .start(data)
      .restart()
      .expectCommand('documents.RegisterDocuments')
      .crashBeforeNextPublish()
      .reply('documents.DocumentsRegistered', { expedienteId: 'exp-1', documentos })
      .restart()
      .expectCommand('bpm.StartProcess')
      .replyAgain()
      .expectCommandResent()
      .reply('bpm.ProcessStarted', processStarted)
      .expectCompleted();

    const stream = await fixture.eventStore.readStream('expediente-exp-1');
    expect(stream.map((event) => event.type)).toEqual([
      'expedientes.expediente.solicitado.v1',
      'expedientes.expediente.abierto.v1',
    ]);
  });
});
