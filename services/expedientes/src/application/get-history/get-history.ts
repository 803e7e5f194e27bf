import { EventStore } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { EventoDeExpediente } from '../../domain/eventos';
import { nombreDeOpcionInicial } from '../../domain/opcion-inicial';
import { fromRecorded, RecordedExpedienteEvent, streamOf } from '../expediente-stream';

/** One change of the expediente: what, who and when, in the users' words and as data. */
export interface EntradaDeHistorial {
  readonly version: number;
  /**
   * `solicitado`, `abierto`, `creacion-rechazada`, `descripcion-editada`, `fase-cambiada`,
   * `documento-adjuntado`, `comentario-anadido`, `asignacion-cambiada`, `plazo-recalculado`.
   */
  readonly tipo: string;
  readonly ocurridoAt: string;
  readonly usuario: string;
  /** The roles the user acted with, where they were recorded. */
  readonly roles: readonly string[];
  readonly resumen: string;
  readonly datos: Readonly<Record<string, unknown>>;
}

const plural = (count: number, one: string, many: string): string =>
  `${count} ${count === 1 ? one : many}`;

/** 2026-12-21 -> 21/12/2026, as Spanish users write a day. */
const diaLegible = (dia: string): string => dia.split('-').reverse().join('/');

function resumenDe(event: EventoDeExpediente): string {
  switch (event.type) {
    case 'expedientes.expediente.solicitado.v1':
      return (
        `Solicitada la apertura con el código ${event.data.codigo} ` +
        `(${nombreDeOpcionInicial(event.data.opcionInicial)}) y ` +
        plural(event.data.documentIds.length, 'documento', 'documentos')
      );
    case 'expedientes.expediente.abierto.v1':
      return (
        `Abierto en la fase «${event.data.fase.nombre}» con ` +
        plural(event.data.documentos.length, 'documento', 'documentos')
      );
    case 'expedientes.expediente.creacion-rechazada.v1':
      return `Creación rechazada: ${event.data.motivo}`;
    case 'expedientes.expediente.descripcion-editada.v1':
      return `Descripción cambiada de «${event.data.anterior}» a «${event.data.descripcion}»`;
    case 'expedientes.expediente.fase-cambiada.v1':
      return (
        `Cambio de fase de «${event.data.desde.nombre}» a «${event.data.hacia.nombre}»` +
        (event.data.motivo === undefined ? '' : `. Motivo: ${event.data.motivo}`)
      );
    case 'expedientes.expediente.documento-adjuntado.v1': {
      const { nombre, version } = event.data.documento;
      return version === 1
        ? `Añadido el documento «${nombre}»`
        : `Añadida la versión ${version} del documento «${nombre}»`;
    }
    case 'expedientes.expediente.comentario-anadido.v1':
      return `Comentario: ${event.data.texto}`;
    case 'expedientes.expediente.asignacion-cambiada.v1': {
      const { asignadoA, anterior } = event.data;
      if (asignadoA === null) return `Liberado (lo tenía ${anterior})`;
      return anterior === null
        ? `Asignado a ${asignadoA}`
        : `Reasignado de ${anterior} a ${asignadoA}`;
    }
    case 'expedientes.expediente.plazo-recalculado.v1':
      return event.data.vencimiento === null
        ? 'La fase ya no tiene plazo'
        : `Plazo de la fase recalculado: vence el ${diaLegible(event.data.vencimiento)}`;
  }
}

/** `expedientes.expediente.fase-cambiada.v1` -> `fase-cambiada`. */
const tipoDe = (type: string): string => type.split('.').at(-2) ?? type;

const entradaDe = ({
  event,
  streamVersion,
  actor,
}: RecordedExpedienteEvent): EntradaDeHistorial => {
  const { por, ...datos } = event.data;
  return {
    version: streamVersion,
    tipo: tipoDe(event.type),
    ocurridoAt: event.occurredAt,
    usuario: por,
    roles: actor?.userId === por ? actor.roles : [],
    resumen: resumenDe(event),
    datos,
  };
};

/** The whole audit trail of an expediente, oldest first, from its events. */
export class GetExpedienteHistory {
  constructor(private readonly eventStore: Pick<EventStore, 'readStream'>) {}

  async execute(expedienteId: string): Promise<EntradaDeHistorial[]> {
    const recorded = await this.eventStore.readStream(streamOf(expedienteId));
    if (recorded.length === 0) throw new ExpedienteNoEncontradoError(expedienteId);
    return recorded.map(fromRecorded).map(entradaDe);
  }
}
