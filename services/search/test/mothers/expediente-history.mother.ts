import { createHash, randomUUID } from 'node:crypto';
import {
  Actor,
  documents,
  Documento,
  Envelope,
  EnvelopeFactory,
  expedientes,
  Fase,
  MessageContract,
  OpcionInicial,
  topics,
} from '@expedientes/shared-kernel';

/** The phases of the standard procedure, as bpm names them. */
export const fases = {
  inicial: { codigo: 'INICIAL', nombre: 'Fase inicial', final: false },
  analisisTecnico: { codigo: 'ANALISIS_TECNICO', nombre: 'Fase de análisis técnico', final: false },
  validacion: { codigo: 'VALIDACION', nombre: 'Fase de validación', final: false },
  finalizado: { codigo: 'FINALIZADO', nombre: 'Finalizado', final: true },
  rechazado: { codigo: 'RECHAZADO', nombre: 'Fase rechazado', final: false },
} satisfies Record<string, Fase>;

export const tramitadora: Actor = { userId: 'ana.tramitadora', roles: ['tramitador'] };
export const validador: Actor = { userId: 'luis.validador', roles: ['validador'] };

/** A valid version of a document; `nombre` is what searches find it by. */
export function documentoMother(nombre: string, overrides: Partial<Documento> = {}): Documento {
  return {
    documentId: randomUUID(),
    nombre,
    mediaType: 'application/pdf',
    size: 1024,
    sha256: createHash('sha256').update(nombre).digest('hex'),
    version: 1,
    subidoAt: '2024-01-01T00:00:00.000Z',
    subidoPor: tramitadora.userId,
    ...overrides,
  };
}

export interface PublishedEvent {
  readonly topic: string;
  readonly envelope: Envelope;
}

interface Requested {
  readonly descripcion: string;
  readonly opcionInicial?: OpcionInicial;
  readonly documentos?: readonly Documento[];
}

/**
 * The integration events one expediente's life produces, in order, on the topic each one is
 * published to. Each event happens a minute after the previous one, from `startsAt`.
 */
export class ExpedienteHistory {
  readonly events: PublishedEvent[] = [];
  private readonly envelopes = new EnvelopeFactory(randomUUID);
  private minutes = 0;
  private requested?: Required<Requested>;
  private fase: Fase = fases.inicial;

  constructor(
    readonly codigo: string,
    readonly startsAt: Date,
    readonly expedienteId: string = randomUUID(),
  ) {}

  get last(): Envelope {
    return this.events[this.events.length - 1].envelope;
  }

  get lastAt(): string {
    return this.last.occurredAt;
  }

  solicitado(requested: Requested, actor: Actor = tramitadora): this {
    this.requested = { opcionInicial: 'SEDE_ELECTRONICA', documentos: [], ...requested };
    const { descripcion, opcionInicial, documentos } = this.requested;
    return this.expedienteEvent(expedientes.ExpedienteSolicitado, actor, {
      expedienteId: this.expedienteId,
      codigo: this.codigo,
      opcionInicial,
      descripcion,
      documentIds: documentos.map((documento) => documento.documentId),
    });
  }

  abierto(actor: Actor = tramitadora): this {
    const { descripcion, opcionInicial, documentos } = this.requestedOrFail();
    this.fase = fases.inicial;
    return this.expedienteEvent(expedientes.ExpedienteAbierto, actor, {
      expedienteId: this.expedienteId,
      codigo: this.codigo,
      opcionInicial,
      descripcion,
      fase: this.fase,
      documentos: [...documentos],
    });
  }

  creacionRechazada(motivo = 'No se pudieron registrar los documentos'): this {
    return this.expedienteEvent(expedientes.CreacionRechazada, tramitadora, {
      expedienteId: this.expedienteId,
      codigo: this.codigo,
      motivo,
    });
  }

  descripcionEditada(descripcion: string, actor: Actor = tramitadora): this {
    return this.expedienteEvent(expedientes.DescripcionEditada, actor, {
      expedienteId: this.expedienteId,
      descripcion,
    });
  }

  faseCambiada(hacia: Fase, actor: Actor = tramitadora): this {
    const desde = this.fase;
    this.fase = hacia;
    return this.expedienteEvent(expedientes.FaseDeExpedienteCambiada, actor, {
      expedienteId: this.expedienteId,
      desde,
      hacia,
    });
  }

  documentoAdjuntado(documento: Documento, actor: Actor = tramitadora): this {
    return this.expedienteEvent(expedientes.DocumentoAdjuntado, actor, {
      expedienteId: this.expedienteId,
      documento,
    });
  }

  /** Uploaded into this expediente (or, with `suelto`, before any expediente had it). */
  documentoSubido(documento: Documento, { suelto = false } = {}): this {
    return this.add(topics.events('documents'), documents.DocumentoSubido, tramitadora, {
      documento,
      expedienteId: suelto ? null : this.expedienteId,
    });
  }

  private requestedOrFail(): Required<Requested> {
    if (!this.requested) throw new Error('an expediente opens after it was requested');
    return this.requested;
  }

  private expedienteEvent<TPayload>(
    contract: MessageContract<TPayload>,
    actor: Actor,
    payload: TPayload,
  ): this {
    return this.add(topics.events('expedientes'), contract, actor, payload);
  }

  private add<TPayload>(
    topic: string,
    contract: MessageContract<TPayload>,
    actor: Actor,
    payload: TPayload,
  ): this {
    const occurredAt = new Date(this.startsAt.getTime() + this.minutes * 60_000);
    this.minutes += 1;
    const envelope = this.envelopes.create({
      type: contract.type,
      schemaVersion: contract.schemaVersion,
      key: this.expedienteId,
      actor,
      occurredAt,
      payload: contract.payload.parse(payload),
    });
    this.events.push({ topic, envelope });
    return this;
  }
}
