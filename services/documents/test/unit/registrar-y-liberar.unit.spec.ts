import { documents, topics } from '@expedientes/shared-kernel';
import { LiberarDocumentos } from '../../src/application/liberar-documentos/liberar-documentos';
import { RegistrarDocumentos } from '../../src/application/registrar-documentos/registrar-documentos';
import { DocumentoModificadoALaVez } from '../../src/domain/errores';
import { harness } from './fakes/harness';
import { DocumentoMother } from './mothers/documento-mother';

function useCases() {
  const h = harness();
  return {
    ...h,
    registrar: new RegistrarDocumentos(h.documentos, h.mensajes, h.clock),
    liberar: new LiberarDocumentos(h.documentos, h.mensajes, h.clock),
    registerCommand: (expedienteId: string, documentIds: string[], sagaId = 'saga-1') =>
      h.comando(documents.RegisterDocuments, { sagaId, expedienteId, documentIds }),
    releaseCommand: (expedienteId: string, documentIds: string[], sagaId = 'saga-1') =>
      h.comando(documents.ReleaseDocuments, { sagaId, expedienteId, documentIds }),
  };
}

const expedienteDe = async (h: ReturnType<typeof useCases>, id: string) =>
  (await h.documentos.buscar(id))?.expedienteId;

describe('RegistrarDocumentos', () => {
  it('claims the documents and answers with their latest versions', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'a' }));
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'b' }));
    const command = h.registerCommand('exp-1', ['b', 'a']);

    await h.registrar.ejecutar(command);

    expect([await expedienteDe(h, 'a'), await expedienteDe(h, 'b')]).toEqual(['exp-1', 'exp-1']);
    h.assertValid(h.documentos.mensajes);
    expect(h.documentos.mensajes.map(({ topic, envelope }) => [topic, envelope.type])).toEqual([
      [topics.events('documents'), documents.DocumentoRegistrado.type],
      [topics.events('documents'), documents.DocumentoRegistrado.type],
      [topics.replies('documents'), documents.DocumentsRegistered.type],
    ]);
    const reply = h.documentos.mensajes[2].envelope;
    expect(reply).toMatchObject({
      key: 'exp-1',
      causationId: command.id,
      correlationId: command.correlationId,
      actor: command.actor,
      payload: {
        sagaId: 'saga-1',
        expedienteId: 'exp-1',
        documentos: [
          expect.objectContaining({ documentId: 'b', version: 1 }),
          expect.objectContaining({ documentId: 'a', version: 1 }),
        ],
      },
    });
  });

  it('answers the same to the same command again, with no second claim', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'a' }));
    const command = h.registerCommand('exp-1', ['a', 'a']);

    await h.registrar.ejecutar(command);
    const first = h.documentos.mensajes.splice(0);
    await h.registrar.ejecutar(command);
    const second = h.documentos.mensajes.splice(0);

    expect(first.map(({ envelope }) => envelope.type)).toEqual([
      documents.DocumentoRegistrado.type,
      documents.DocumentsRegistered.type,
    ]);
    expect(second.map(({ envelope }) => envelope.type)).toEqual([
      documents.DocumentsRegistered.type,
    ]);
    expect(second[0].envelope.payload).toEqual(first[1].envelope.payload);
  });

  it('fails the step for an unknown document, claiming none', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'a' }));

    await h.registrar.ejecutar(h.registerCommand('exp-1', ['a', 'nope']));

    expect(await expedienteDe(h, 'a')).toBeNull();
    h.assertValid(h.documentos.mensajes);
    expect(h.documentos.mensajes.map(({ envelope }) => [envelope.type, envelope.payload])).toEqual([
      [
        documents.DocumentsRegistrationFailed.type,
        {
          sagaId: 'saga-1',
          code: 'DOCUMENTS.NOT_FOUND',
          reason: 'No existe el documento nope',
          documentIds: ['nope'],
        },
      ],
    ]);
  });

  it('fails the step for a document another expediente has, claiming none', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'a' }));
    await h.documentos.dado(DocumentoMother.registradoEn('exp-2', { id: 'b' }));

    await h.registrar.ejecutar(h.registerCommand('exp-1', ['a', 'b']));

    expect([await expedienteDe(h, 'a'), await expedienteDe(h, 'b')]).toEqual([null, 'exp-2']);
    expect(h.documentos.mensajes.map(({ envelope }) => envelope.payload)).toEqual([
      {
        sagaId: 'saga-1',
        code: 'DOCUMENTS.ALREADY_REGISTERED',
        reason: 'El documento b ya pertenece a otro expediente',
        documentIds: ['b'],
      },
    ]);
  });

  it('gives back what an interrupted earlier run claimed, when the step now fails', async () => {
    const h = useCases();
    // The earlier run claimed "a", then another expediente took "b" before it got to it.
    await h.documentos.dado(DocumentoMother.registradoEn('exp-1', { id: 'a' }));
    await h.documentos.dado(DocumentoMother.registradoEn('exp-2', { id: 'b' }));

    await h.registrar.ejecutar(h.registerCommand('exp-1', ['a', 'b']));

    expect(await expedienteDe(h, 'a')).toBeNull();
    expect(h.documentos.tiposPublicados()).toEqual([
      documents.DocumentoLiberado.type,
      documents.DocumentsRegistrationFailed.type,
    ]);
  });

  it('lets a concurrent change fail the handling, to be retried, with nothing published', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'a' }));
    h.documentos.antesDeGuardar = () => {
      throw new DocumentoModificadoALaVez('a');
    };
    await expect(h.registrar.ejecutar(h.registerCommand('exp-1', ['a']))).rejects.toThrow(
      DocumentoModificadoALaVez,
    );
    expect(h.documentos.mensajes).toEqual([]);
  });
});

describe('LiberarDocumentos', () => {
  it('gives the expediente documents back to staging and answers', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.registradoEn('exp-1', { id: 'a' }));
    await h.documentos.dado(DocumentoMother.registradoEn('exp-2', { id: 'b' }));
    h.advance(60_000);

    await h.liberar.ejecutar(h.releaseCommand('exp-1', ['a', 'b', 'gone']));

    expect([await expedienteDe(h, 'a'), await expedienteDe(h, 'b')]).toEqual([null, 'exp-2']);
    expect((await h.documentos.buscar('a'))?.datosParaGuardar().pendienteDesde).toEqual(h.clock());
    h.assertValid(h.documentos.mensajes);
    expect(h.documentos.mensajes.map(({ envelope }) => [envelope.type, envelope.payload])).toEqual([
      [documents.DocumentoLiberado.type, { documentId: 'a', expedienteId: 'exp-1' }],
      [documents.DocumentsReleased.type, { sagaId: 'saga-1', expedienteId: 'exp-1' }],
    ]);
  });

  it('answers again, releasing nothing, when the documents are back already', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.registradoEn('exp-1', { id: 'a' }));
    await h.liberar.ejecutar(h.releaseCommand('exp-1', ['a']));
    h.documentos.mensajes.length = 0;

    await h.liberar.ejecutar(h.releaseCommand('exp-1', ['a']));

    expect(h.documentos.tiposPublicados()).toEqual([documents.DocumentsReleased.type]);
  });
});
