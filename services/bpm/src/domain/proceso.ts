import { Dia, DomainEvent } from '@expedientes/shared-kernel';
import { ProcesoCanceladoError } from './errors';
import { Fase, Procedimiento } from './procedimiento';
import { ReglaDePlazos } from './regla-de-plazos';

/** Who acts on a process: a user and the roles they act with. */
export interface Usuario {
  readonly userId: string;
  readonly roles: readonly string[];
}

/** One stay of the process in a phase: when and by whom it entered and left it. */
export interface PasoPorFase {
  readonly fase: Fase;
  readonly entradaAt: Date;
  readonly entradaPor: string;
  /** The last day of the phase's plazo; null when it has none. */
  readonly vencimiento: Dia | null;
  /** Null while the process is in this phase. */
  readonly salidaAt: Date | null;
  readonly salidaPor: string | null;
}

export type EstadoDeProceso = 'activo' | 'cancelado';

export type ProcesoIniciado = DomainEvent<
  'bpm.proceso.iniciado',
  {
    expedienteId: string;
    procedimiento: string;
    version: number;
    fase: Fase;
    vencimiento: Dia | null;
  }
>;
/**
 * `paso` numbers the transitions of the process: 1 for the first, one more for each next;
 * `motivo` is the user's reason, where they gave one.
 */
export type FaseCambiada = DomainEvent<
  'bpm.fase.cambiada',
  {
    expedienteId: string;
    desde: Fase;
    hacia: Fase;
    paso: number;
    motivo?: string;
    vencimiento: Dia | null;
  }
>;
export type ProcesoCancelado = DomainEvent<'bpm.proceso.cancelado', { expedienteId: string }>;
/** `paso`: the transition that entered the current phase (0: the initial one). */
export type PlazoRecalculado = DomainEvent<
  'bpm.plazo.recalculado',
  { expedienteId: string; fase: string; paso: number; vencimiento: Dia | null }
>;
export type EventoDeProceso = ProcesoIniciado | FaseCambiada | ProcesoCancelado | PlazoRecalculado;

/** A process as its repository stores it. */
export interface DatosDeProceso {
  readonly expedienteId: string;
  /** The saga that started it: only that saga's StartProcess and CancelProcess concern it. */
  readonly sagaId: string;
  /** The version it started with, whatever versions come later. */
  readonly procedimiento: Procedimiento;
  readonly estado: EstadoDeProceso;
  /** Oldest first; the last one is the current phase. */
  readonly historial: readonly PasoPorFase[];
  /** 0 for a process never stored; the store's revision it was read at otherwise. */
  readonly revision: number;
}

/** What changes in a process: its state and its history. */
type EstadoInterno = Omit<DatosDeProceso, 'estado' | 'historial'> & {
  estado: EstadoDeProceso;
  historial: PasoPorFase[];
};

/**
 * The process of one expediente through the phases of its procedure, with the history of every
 * phase it went through. It changes phase only along the procedure's transitions, and only for
 * the roles allowed to take them; a cancelled process no longer moves.
 */
export class Proceso {
  private events: EventoDeProceso[] = [];

  private constructor(private readonly state: EstadoInterno) {}

  /** Starts a process in the initial phase of `procedimiento`, its plazo counted by `plazos`. */
  static iniciar(inicio: {
    expedienteId: string;
    sagaId: string;
    procedimiento: Procedimiento;
    por: string;
    at: Date;
    plazos: ReglaDePlazos;
  }): Proceso {
    const { expedienteId, sagaId, procedimiento, por, at, plazos } = inicio;
    const fase = procedimiento.faseInicial;
    const vencimiento = plazos.vencimiento(fase, at);
    const proceso = new Proceso({
      expedienteId,
      sagaId,
      procedimiento,
      estado: 'activo',
      historial: [
        { fase, entradaAt: at, entradaPor: por, vencimiento, salidaAt: null, salidaPor: null },
      ],
      revision: 0,
    });
    proceso.record({
      type: 'bpm.proceso.iniciado',
      occurredAt: at.toISOString(),
      data: {
        expedienteId,
        procedimiento: procedimiento.codigo,
        version: procedimiento.version,
        fase,
        vencimiento,
      },
    });
    return proceso;
  }

  static reconstituir(datos: DatosDeProceso): Proceso {
    return new Proceso({ ...datos, historial: [...datos.historial] });
  }

  get expedienteId(): string {
    return this.state.expedienteId;
  }

  get procedimiento(): Procedimiento {
    return this.state.procedimiento;
  }

  get estado(): EstadoDeProceso {
    return this.state.estado;
  }

  get historial(): readonly PasoPorFase[] {
    return this.state.historial;
  }

  get faseActual(): Fase {
    return this.pasoActual().fase;
  }

  /** The last day of the current phase's plazo; null when it has none or the process ended. */
  get vencimiento(): Dia | null {
    return this.state.estado === 'activo' ? this.pasoActual().vencimiento : null;
  }

  /** The phase it started in, whatever happened since. */
  get faseInicial(): Fase {
    return this.state.historial[0].fase;
  }

  iniciadoPor(sagaId: string): boolean {
    return this.state.sagaId === sagaId;
  }

  /** The phases `roles` may move it to now; none once cancelled. */
  transicionesDisponiblesPara(roles: readonly string[]): Fase[] {
    if (this.state.estado === 'cancelado') return [];
    return this.state.procedimiento.transicionesDisponibles(this.faseActual.codigo, roles);
  }

  /** The codes of the phases reachable now whose transition asks for a reason. */
  get fasesConMotivo(): string[] {
    if (this.state.estado === 'cancelado') return [];
    return this.state.procedimiento.conMotivoDesde(this.faseActual.codigo);
  }

  /**
   * Moves to the phase `hacia` if the procedure lets `usuario` do it (with `motivo`, where the
   * transition asks for one); refuses with the reason. Answers with the transition, its `paso`
   * and the last day of the new phase's plazo, counted by `plazos`.
   */
  cambiarDeFase(
    hacia: string,
    usuario: Usuario,
    at: Date,
    plazos: ReglaDePlazos,
    motivo?: string,
  ): { desde: Fase; hacia: Fase; paso: number; motivo?: string; vencimiento: Dia | null } {
    if (this.state.estado === 'cancelado') throw new ProcesoCanceladoError(this.expedienteId);
    const desde = this.faseActual;
    const destino = this.state.procedimiento.autorizarTransicion(
      desde.codigo,
      hacia,
      usuario.roles,
      motivo,
    );
    this.salirDeLaFaseActual(usuario.userId, at);
    const vencimiento = plazos.vencimiento(destino, at);
    this.state.historial.push({
      fase: destino,
      entradaAt: at,
      entradaPor: usuario.userId,
      vencimiento,
      salidaAt: null,
      salidaPor: null,
    });
    // Every transition adds one stay to the history, which starts with one: no counter to keep.
    const cambio = {
      desde,
      hacia: destino,
      paso: this.state.historial.length - 1,
      ...(motivo?.trim() ? { motivo: motivo.trim() } : {}),
      vencimiento,
    };
    this.record({
      type: 'bpm.fase.cambiada',
      occurredAt: at.toISOString(),
      data: { expedienteId: this.expedienteId, ...cambio },
    });
    return cambio;
  }

  /**
   * Counts the current phase's plazo again with `plazos` (the working calendar changed); true
   * when its last day moved. An ended process has no plazo left to count.
   */
  recalcularPlazo(plazos: ReglaDePlazos, at: Date): boolean {
    if (this.state.estado !== 'activo') return false;
    const actual = this.pasoActual();
    const vencimiento = plazos.vencimiento(actual.fase, actual.entradaAt);
    if (vencimiento === actual.vencimiento) return false;
    const paso = this.state.historial.length - 1;
    this.state.historial[paso] = { ...actual, vencimiento };
    this.record({
      type: 'bpm.plazo.recalculado',
      occurredAt: at.toISOString(),
      data: { expedienteId: this.expedienteId, fase: actual.fase.codigo, paso, vencimiento },
    });
    return true;
  }

  /** Ends the process where it stands; cancelling it again changes nothing. */
  cancelar(por: string, at: Date): void {
    if (this.state.estado === 'cancelado') return;
    this.salirDeLaFaseActual(por, at);
    this.state.estado = 'cancelado';
    this.record({
      type: 'bpm.proceso.cancelado',
      occurredAt: at.toISOString(),
      data: { expedienteId: this.expedienteId },
    });
  }

  datos(): DatosDeProceso {
    return { ...this.state, historial: [...this.state.historial] };
  }

  /** Hands what happened since it was loaded to the caller, once. */
  pullDomainEvents(): EventoDeProceso[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private pasoActual(): PasoPorFase {
    return this.state.historial[this.state.historial.length - 1];
  }

  private salirDeLaFaseActual(por: string, at: Date): void {
    const last = this.state.historial.length - 1;
    this.state.historial[last] = { ...this.state.historial[last], salidaAt: at, salidaPor: por };
  }

  private record(event: EventoDeProceso): void {
    this.events.push(event);
  }
}
