import { Envelope, expedientes, MessageContract, systemActor } from '@expedientes/shared-kernel';
import { EventoDeExpediente } from '../../domain/eventos';
import { RecordedExpedienteEvent } from '../expediente-stream';

type Published = { contract: MessageContract; payload: Record<string, unknown> };

/** What the rest of the system is told of each event: the published language, no more. */
function publishedFor(event: EventoDeExpediente): Published {
  switch (event.type) {
    case 'expedientes.expediente.solicitado.v1': {
      const { expedienteId, codigo, opcionInicial, descripcion, documentIds } = event.data;
      return {
        contract: expedientes.ExpedienteSolicitado,
        payload: { expedienteId, codigo, opcionInicial, descripcion, documentIds },
      };
    }
    case 'expedientes.expediente.abierto.v1': {
      const { expedienteId, codigo, opcionInicial, descripcion, fase, documentos } = event.data;
      return {
        contract: expedientes.ExpedienteAbierto,
        payload: { expedienteId, codigo, opcionInicial, descripcion, fase, documentos },
      };
    }
    case 'expedientes.expediente.creacion-rechazada.v1': {
      const { expedienteId, codigo, motivo } = event.data;
      return { contract: expedientes.CreacionRechazada, payload: { expedienteId, codigo, motivo } };
    }
    case 'expedientes.expediente.descripcion-editada.v1': {
      const { expedienteId, descripcion } = event.data;
      return { contract: expedientes.DescripcionEditada, payload: { expedienteId, descripcion } };
    }
    case 'expedientes.expediente.fase-cambiada.v1': {
      const { expedienteId, desde, hacia, motivo } = event.data;
      return {
        contract: expedientes.FaseDeExpedienteCambiada,
        payload: { expedienteId, desde, hacia, ...(motivo === undefined ? {} : { motivo }) },
      };
    }
    case 'expedientes.expediente.documento-adjuntado.v1': {
      const { expedienteId, documento } = event.data;
      return { contract: expedientes.DocumentoAdjuntado, payload: { expedienteId, documento } };
    }
    case 'expedientes.expediente.asignacion-cambiada.v1': {
      const { expedienteId, asignadoA } = event.data;
      return { contract: expedientes.AsignacionCambiada, payload: { expedienteId, asignadoA } };
    }
    case 'expedientes.expediente.plazo-recalculado.v1': {
      const { expedienteId, vencimiento } = event.data;
      return { contract: expedientes.PlazoRecalculado, payload: { expedienteId, vencimiento } };
    }
    case 'expedientes.expediente.comentario-anadido.v1': {
      const { expedienteId, texto, menciones } = event.data;
      return {
        contract: expedientes.ComentarioAnadido,
        payload: { expedienteId, texto, menciones },
      };
    }
  }
}

/**
 * The integration event of a recorded event. Its id is the event's, so publishing it again
 * (after a crash before the checkpoint) is recognisably the same message to every inbox.
 */
export function integrationEventFor(recorded: RecordedExpedienteEvent): Envelope {
  const { contract, payload } = publishedFor(recorded.event);
  return {
    id: recorded.eventId,
    type: contract.type,
    schemaVersion: contract.schemaVersion,
    occurredAt: recorded.event.occurredAt,
    key: recorded.expedienteId,
    correlationId: recorded.correlationId ?? recorded.eventId,
    causationId: recorded.causationId,
    actor: recorded.actor ?? systemActor,
    // Its version lets readers tell whether a read model has caught up with it.
    payload: { ...payload, version: recorded.streamVersion },
    // Search and the live updates continue the trace of the change that recorded it.
    ...(recorded.traceparent ? { traceparent: recorded.traceparent } : {}),
  };
}
