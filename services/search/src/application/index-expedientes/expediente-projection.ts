import {
  documents,
  Documento,
  Envelope,
  expedientes,
  Fase,
  MessageContract,
  topics,
} from '@expedientes/shared-kernel';
import {
  conDocumento,
  DatosDeExpediente,
  DocumentoIndexado,
  EstadoDeExpediente,
  FaseIndexada,
  IndexedExpediente,
  laterOf,
} from '../../domain/indexed-expediente';

/**
 * The search index as a projection of the published language: which expediente an event is
 * about, and what it does to that expediente's entry. Pure, so replaying the same events gives
 * the same index. Phases are taken from the expediente's own `fase-cambiada`, which is ordered
 * with its other events; bpm's `fase.cambiada` says the same, earlier, on another topic.
 */

/** The topics the index is fed from. */
export const indexedTopics: readonly string[] = [
  topics.events('expedientes'),
  topics.events('documents'),
];

const is = <TPayload>(
  contract: MessageContract<TPayload>,
  event: Envelope,
): event is Envelope<TPayload> =>
  event.type === contract.type && event.schemaVersion === contract.schemaVersion;

/** The expediente whose entry `event` changes; null for the events the index ignores. */
export function expedienteIdOf(event: Envelope): string | null {
  if (
    is(expedientes.ExpedienteSolicitado, event) ||
    is(expedientes.ExpedienteAbierto, event) ||
    is(expedientes.CreacionRechazada, event) ||
    is(expedientes.DescripcionEditada, event) ||
    is(expedientes.FaseDeExpedienteCambiada, event) ||
    is(expedientes.DocumentoAdjuntado, event)
  ) {
    return event.payload.expedienteId;
  }
  // A document uploaded before its expediente exists is named in the expediente's own events.
  if (is(documents.DocumentoSubido, event)) return event.payload.expedienteId;
  return null;
}

const instantOf = (event: Envelope): string => new Date(event.occurredAt).toISOString();

const faseOf = ({ codigo, nombre }: Fase): FaseIndexada => ({ codigo, nombre });

const estadoEn = (fase: Fase): EstadoDeExpediente => (fase.final ? 'finalizado' : 'abierto');

const documentoOf = ({ documentId, nombre, version }: Documento): DocumentoIndexado => ({
  documentId,
  nombre,
  version,
});

/** The entry as it is, or an empty one: documents' events may come before the expediente's. */
const entryOf = (
  view: IndexedExpediente | null,
  expedienteId: string,
  event: Envelope,
): IndexedExpediente =>
  view ?? {
    expedienteId,
    datos: null,
    documentos: [],
    actualizadoAt: instantOf(event),
  };

const touched = (view: IndexedExpediente, event: Envelope): IndexedExpediente => ({
  ...view,
  actualizadoAt: laterOf(view.actualizadoAt, instantOf(event)),
});

/** Changes the expediente's own facts; without them (nothing or only documents) nothing changes. */
const withDatos = (
  view: IndexedExpediente | null,
  event: Envelope,
  change: (datos: DatosDeExpediente) => Partial<DatosDeExpediente>,
): IndexedExpediente | null =>
  view?.datos ? touched({ ...view, datos: { ...view.datos, ...change(view.datos) } }, event) : view;

const withDocumento = (
  view: IndexedExpediente | null,
  event: Envelope,
  { expedienteId, documento }: { expedienteId: string; documento: Documento },
): IndexedExpediente => {
  const entry = entryOf(view, expedienteId, event);
  return touched(
    { ...entry, documentos: conDocumento(entry.documentos, documentoOf(documento)) },
    event,
  );
};

export function evolve(view: IndexedExpediente | null, event: Envelope): IndexedExpediente | null {
  if (is(expedientes.ExpedienteSolicitado, event)) {
    if (view?.datos) return view; // known already: a request repeated later changes nothing
    const { expedienteId, codigo, descripcion, opcionInicial } = event.payload;
    const entry = entryOf(view, expedienteId, event);
    return touched(
      {
        ...entry,
        datos: {
          codigo,
          descripcion,
          opcionInicial,
          fase: null,
          estado: 'pendiente',
          creadoPor: event.actor.userId,
          creadoAt: instantOf(event),
        },
      },
      event,
    );
  }
  if (is(expedientes.ExpedienteAbierto, event)) {
    const { expedienteId, codigo, descripcion, opcionInicial, fase, documentos } = event.payload;
    const entry = entryOf(view, expedienteId, event);
    return touched(
      {
        ...entry,
        datos: {
          codigo,
          descripcion,
          opcionInicial,
          fase: faseOf(fase),
          estado: estadoEn(fase),
          // Whoever requested it created it, when it was requested.
          creadoPor: entry.datos?.creadoPor ?? event.actor.userId,
          creadoAt: entry.datos?.creadoAt ?? instantOf(event),
        },
        documentos: documentos
          .map(documentoOf)
          .reduce((list, documento) => conDocumento(list, documento), entry.documentos),
      },
      event,
    );
  }
  if (is(expedientes.CreacionRechazada, event)) {
    return withDatos(view, event, () => ({ estado: 'rechazado' }));
  }
  if (is(expedientes.DescripcionEditada, event)) {
    return withDatos(view, event, () => ({ descripcion: event.payload.descripcion }));
  }
  if (is(expedientes.FaseDeExpedienteCambiada, event)) {
    const { hacia } = event.payload;
    return withDatos(view, event, () => ({ fase: faseOf(hacia), estado: estadoEn(hacia) }));
  }
  if (is(expedientes.DocumentoAdjuntado, event)) {
    return withDocumento(view, event, event.payload);
  }
  if (is(documents.DocumentoSubido, event)) {
    const { expedienteId, documento } = event.payload;
    return expedienteId === null ? view : withDocumento(view, event, { expedienteId, documento });
  }
  return view;
}
