import { bpm, Envelope, EnvelopeFactory, topics } from '@expedientes/shared-kernel';
import {
  evolve,
  expedienteIdOf,
} from '../../src/application/index-expedientes/expediente-projection';
import { IndexedExpediente } from '../../src/domain/indexed-expediente';
import {
  documentoMother,
  ExpedienteHistory,
  fases,
  tramitadora,
  validador,
} from '../mothers/expediente-history.mother';

const fold = (events: readonly Envelope[], from: IndexedExpediente | null = null) =>
  events.reduce<IndexedExpediente | null>((view, event) => evolve(view, event), from);

const foldHistory = (history: ExpedienteHistory) =>
  fold(history.events.map(({ envelope }) => envelope));

const startsAt = new Date('2024-03-01T09:00:00.000Z');
const newHistory = () => new ExpedienteHistory('EXP-2024-000042', startsAt);

describe('the search projection', () => {
  it('indexes a requested expediente as pending, created by whoever asked for it and when', () => {
    const history = newHistory().solicitado({
      descripcion: 'Licencia de obra menor',
      opcionInicial: 'PETICION_DEPARTAMENTO',
    });

    expect(foldHistory(history)).toEqual({
      expedienteId: history.expedienteId,
      datos: {
        codigo: 'EXP-2024-000042',
        descripcion: 'Licencia de obra menor',
        opcionInicial: 'PETICION_DEPARTAMENTO',
        fase: null,
        estado: 'pendiente',
        creadoPor: tramitadora.userId,
        creadoAt: '2024-03-01T09:00:00.000Z',
      },
      documentos: [],
      actualizadoAt: '2024-03-01T09:00:00.000Z',
    });
  });

  it('opens it in its first phase with its documents, keeping who created it and when', () => {
    const plano = documentoMother('Plano de situación.pdf');
    const history = newHistory()
      .solicitado({ descripcion: 'Licencia de obra menor', documentos: [plano] })
      .abierto({ userId: 'saga', roles: ['system'] });

    expect(foldHistory(history)).toMatchObject({
      datos: {
        fase: { codigo: 'INICIAL', nombre: 'Fase inicial' },
        estado: 'abierto',
        creadoPor: tramitadora.userId,
        creadoAt: '2024-03-01T09:00:00.000Z',
      },
      documentos: [{ documentId: plano.documentId, nombre: 'Plano de situación.pdf', version: 1 }],
      actualizadoAt: '2024-03-01T09:01:00.000Z',
    });
  });

  it('indexes an expediente whose request it never saw from its opening alone', () => {
    const history = newHistory().solicitado({ descripcion: 'Informe técnico' }).abierto(validador);
    const [, abierto] = history.events.map(({ envelope }) => envelope);

    expect(fold([abierto])).toMatchObject({
      datos: { estado: 'abierto', creadoPor: validador.userId, creadoAt: abierto.occurredAt },
    });
  });

  it('follows the phases: finished in a final phase, still open in the rejected one', () => {
    const history = newHistory()
      .solicitado({ descripcion: 'Subvención' })
      .abierto()
      .faseCambiada(fases.analisisTecnico)
      .faseCambiada(fases.rechazado);
    expect(foldHistory(history)?.datos).toMatchObject({
      fase: { codigo: 'RECHAZADO', nombre: 'Fase rechazado' },
      estado: 'abierto',
    });

    history
      .faseCambiada(fases.inicial)
      .faseCambiada(fases.analisisTecnico)
      .faseCambiada(fases.validacion)
      .faseCambiada(fases.finalizado, validador);
    expect(foldHistory(history)?.datos).toMatchObject({
      fase: { codigo: 'FINALIZADO', nombre: 'Finalizado' },
      estado: 'finalizado',
    });
    expect(foldHistory(history)?.actualizadoAt).toBe(history.lastAt);
  });

  it('marks a creation that failed as rejected', () => {
    const history = newHistory().solicitado({ descripcion: 'Subvención' }).creacionRechazada();

    expect(foldHistory(history)?.datos).toMatchObject({ estado: 'rechazado', fase: null });
  });

  it('takes the edited description', () => {
    const history = newHistory()
      .solicitado({ descripcion: 'Primera redacción' })
      .abierto()
      .descripcionEditada('Redacción corregida');

    expect(foldHistory(history)?.datos?.descripcion).toBe('Redacción corregida');
  });

  it('adds attached and uploaded documents, renaming one by its latest version in its place', () => {
    const memoria = documentoMother('Memoria.pdf');
    const anexo = documentoMother('Anexo I.pdf');
    const history = newHistory()
      .solicitado({ descripcion: 'Obra mayor', documentos: [memoria] })
      .abierto()
      .documentoAdjuntado(anexo)
      .documentoSubido({ ...memoria, nombre: 'Memoria revisada.pdf', version: 2 })
      // An older version arriving late renames nothing.
      .documentoSubido({ ...memoria, nombre: 'Memoria.pdf', version: 1 });

    expect(foldHistory(history)?.documentos).toEqual([
      { documentId: memoria.documentId, nombre: 'Memoria revisada.pdf', version: 2 },
      { documentId: anexo.documentId, nombre: 'Anexo I.pdf', version: 1 },
    ]);
  });

  it('ends in the same entry whichever topic is read first', () => {
    const plano = documentoMother('Plano.pdf');
    const history = newHistory()
      .solicitado({ descripcion: 'Obra mayor', documentos: [plano] })
      .abierto()
      .documentoSubido({ ...plano, nombre: 'Plano firmado.pdf', version: 2 })
      .faseCambiada(fases.analisisTecnico);
    const ofTopic = (topic: string) =>
      history.events.filter((event) => event.topic === topic).map(({ envelope }) => envelope);
    const expedienteEvents = ofTopic(topics.events('expedientes'));
    const documentEvents = ofTopic(topics.events('documents'));

    const documentsFirst = fold([...documentEvents, ...expedienteEvents]);
    expect(documentsFirst).toEqual(foldHistory(history));
    expect(documentsFirst?.documentos).toEqual([
      { documentId: plano.documentId, nombre: 'Plano firmado.pdf', version: 2 },
    ]);
  });

  it('keeps documents that arrive before their expediente in an entry no search shows yet', () => {
    const history = newHistory().documentoSubido(documentoMother('Solicitud.pdf'));

    expect(foldHistory(history)).toMatchObject({
      expedienteId: history.expedienteId,
      datos: null,
      documentos: [{ nombre: 'Solicitud.pdf' }],
    });
  });

  it('ignores changes to an expediente it has not seen requested or opened', () => {
    const history = newHistory()
      .solicitado({ descripcion: 'x' })
      .abierto()
      .descripcionEditada('y')
      .faseCambiada(fases.analisisTecnico)
      .creacionRechazada();
    const [, , ...changes] = history.events.map(({ envelope }) => envelope);

    for (const change of changes) expect(evolve(null, change)).toBeNull();
  });

  it('changes nothing when a request comes again for an expediente it knows', () => {
    const history = newHistory().solicitado({ descripcion: 'Original' }).abierto();
    const opened = foldHistory(history);
    const [solicitado] = history.events.map(({ envelope }) => envelope);

    expect(evolve(opened, solicitado)).toBe(opened);
  });

  it('says which expediente an event is about, and ignores what is about none', () => {
    const history = newHistory()
      .solicitado({ descripcion: 'x' })
      .documentoSubido(documentoMother('suelto.pdf'), { suelto: true });
    const [solicitado, suelto] = history.events.map(({ envelope }) => envelope);
    const otherEvent = new EnvelopeFactory(() => 'id-1').create({
      type: bpm.FaseCambiada.type,
      key: history.expedienteId,
      actor: tramitadora,
      payload: {
        expedienteId: history.expedienteId,
        desde: fases.inicial,
        hacia: fases.validacion,
      },
    });
    const opened = foldHistory(newHistory().solicitado({ descripcion: 'x' }).abierto());

    expect(expedienteIdOf(solicitado)).toBe(history.expedienteId);
    expect(expedienteIdOf(suelto)).toBeNull();
    expect(expedienteIdOf(otherEvent)).toBeNull();
    expect(evolve(opened, suelto)).toBe(opened);
    expect(evolve(opened, otherEvent)).toBe(opened);
  });
});
