import { EstadoDeExpediente } from '../../domain/expediente';
import { OpcionInicial } from '../../domain/opcion-inicial';
import { RecordedExpedienteEvent } from '../expediente-stream';

/** One row of the list of expedientes. Times are ISO-8601 in UTC, so they sort as text. */
export interface ExpedienteListItem {
  readonly id: string;
  readonly codigo: string;
  readonly opcionInicial: OpcionInicial;
  readonly descripcion: string;
  readonly estado: EstadoDeExpediente;
  readonly fase: { readonly codigo: string; readonly nombre: string } | null;
  readonly creadoAt: string;
  readonly creadoPor: string;
  readonly actualizadoAt: string;
  /** Who has it to work on; null: nobody. */
  readonly asignadoA: string | null;
  /** Everyone its comments have mentioned, each once, in the order first mentioned. */
  readonly mencionados: readonly string[];
  /** The last day of the current phase's plazo (YYYY-MM-DD); null: none, or closed. */
  readonly vencimiento: string | null;
  /** The expediente's version: what an edit names as the one it changes. */
  readonly version: number;
}

/**
 * A row as stored before assignment, comments and plazos existed: assigned to nobody, nobody
 * mentioned, no plazo.
 */
export const listItemWithCurrentFields = (
  item: Omit<ExpedienteListItem, 'asignadoA' | 'mencionados' | 'vencimiento'> &
    Partial<ExpedienteListItem>,
): ExpedienteListItem => ({
  ...item,
  asignadoA: item.asignadoA ?? null,
  mencionados: item.mencionados ?? [],
  vencimiento: item.vencimiento ?? null,
});

/** The list projection: pure, so a rebuild is a replay. */
export function evolveListItem(
  item: ExpedienteListItem | null,
  recorded: RecordedExpedienteEvent,
): ExpedienteListItem | null {
  const { event } = recorded;
  if (event.type === 'expedientes.expediente.solicitado.v1') {
    return {
      id: event.data.expedienteId,
      codigo: event.data.codigo,
      opcionInicial: event.data.opcionInicial,
      descripcion: event.data.descripcion,
      estado: 'pendiente',
      fase: null,
      creadoAt: event.occurredAt,
      creadoPor: event.data.por,
      actualizadoAt: event.occurredAt,
      asignadoA: null,
      mencionados: [],
      vencimiento: null,
      version: recorded.streamVersion,
    };
  }
  if (!item) return null; // its first event was never seen: nothing to build on
  const touched = {
    ...listItemWithCurrentFields(item),
    actualizadoAt: event.occurredAt,
    version: recorded.streamVersion,
  };
  switch (event.type) {
    case 'expedientes.expediente.abierto.v1':
      return {
        ...touched,
        estado: 'abierto',
        fase: faseOf(event.data.fase),
        vencimiento: event.data.vencimiento ?? null,
      };
    case 'expedientes.expediente.creacion-rechazada.v1':
      return { ...touched, estado: 'creacion_rechazada' };
    case 'expedientes.expediente.descripcion-editada.v1':
      return { ...touched, descripcion: event.data.descripcion };
    case 'expedientes.expediente.fase-cambiada.v1':
      return {
        ...touched,
        fase: faseOf(event.data.hacia),
        estado: event.data.hacia.final ? 'finalizado' : touched.estado,
        vencimiento: event.data.vencimiento ?? null,
      };
    case 'expedientes.expediente.documento-adjuntado.v1':
      return touched;
    case 'expedientes.expediente.comentario-anadido.v1': {
      const mencionados = [...new Set([...touched.mencionados, ...event.data.menciones])];
      return { ...touched, mencionados };
    }
    case 'expedientes.expediente.asignacion-cambiada.v1':
      return { ...touched, asignadoA: event.data.asignadoA };
    case 'expedientes.expediente.plazo-recalculado.v1':
      return { ...touched, vencimiento: event.data.vencimiento };
  }
}

const faseOf = ({ codigo, nombre }: { codigo: string; nombre: string }) => ({ codigo, nombre });
