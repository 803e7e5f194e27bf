import { Clock, Fase, isDomainError, Logger } from '@expedientes/shared-kernel';
import { ExpedienteNoEncontradoError } from '../../domain/errors';
import { Causa, ExpedienteRepository } from '../../domain/expediente-repository';
import { causaOfRequest, RequestMetadata } from '../request';
import { retryOnConflict } from '../retry-on-conflict';
import { ExpedienteResultante, resultanteDe } from '../sagas/expediente-resultante';

/** A transition bpm recorded in the process of an expediente. */
export interface TransicionDelProceso {
  readonly expedienteId: string;
  readonly hacia: Fase;
  /** bpm's number for it; absent from bpm's messages of before it gave one. */
  readonly paso?: number;
  /** The user's reason for it, where they gave one. */
  readonly motivo?: string;
  /** The last day of the new phase's plazo (null: none); absent from bpm's earlier messages. */
  readonly vencimiento?: string | null;
}

/** Whether the expediente took the transition now ('known': it had already), and as what. */
export interface TransicionSeguida {
  readonly outcome: 'followed' | 'known';
  readonly expediente: ExpedienteResultante;
}

/**
 * The expediente follows a transition of its process, on behalf of `causa`'s actor. Shared by
 * the AdvancePhase saga (bpm's reply) and FollowProcess (bpm's event), so whichever comes
 * first changes the phase and the other finds it done. Throws a DomainError when the
 * expediente cannot take it.
 */
export function seguirTransicion(
  expedientes: ExpedienteRepository,
  clock: Clock,
  transicion: TransicionDelProceso,
  causa: Causa,
): Promise<TransicionSeguida> {
  const { expedienteId, hacia, paso, motivo, vencimiento } = transicion;
  return retryOnConflict(async () => {
    const expediente = await expedientes.findById(expedienteId);
    if (!expediente) throw new ExpedienteNoEncontradoError(expedienteId);
    const autoria = { por: causa.actor.userId, at: clock() };
    const followed = expediente.cambiarFase(hacia, autoria, paso, motivo, vencimiento);
    if (followed) await expedientes.save(expediente, causa);
    return { outcome: followed ? 'followed' : 'known', expediente: resultanteDe(expediente) };
  });
}

export type FollowOutcome = 'followed' | 'known' | 'skipped' | 'ignored';

/**
 * bpm says the process of an expediente changed phase: the expediente follows, even when the
 * saga that asked for it had given up waiting (a reply past its deadline, or lost). Naturally
 * idempotent through bpm's transition number, so redeliveries and late events change nothing.
 * A change without a number is skipped (the saga's reply alone moves the expediente, as before
 * bpm numbered them); one the expediente cannot take is logged and dropped: retrying would not
 * change the answer.
 */
export class FollowProcess {
  constructor(
    private readonly expedientes: ExpedienteRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(
    transicion: TransicionDelProceso,
    request: RequestMetadata,
  ): Promise<FollowOutcome> {
    const { expedienteId, hacia, paso } = transicion;
    if (paso === undefined) {
      this.logger.debug(
        { expedienteId, hacia: hacia.codigo },
        'a phase change of bpm without its number was left to the saga',
      );
      return 'skipped';
    }
    try {
      const seguida = await seguirTransicion(
        this.expedientes,
        this.clock,
        transicion,
        causaOfRequest(request),
      );
      return seguida.outcome;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      this.logger.warn(
        { expedienteId, hacia: hacia.codigo, paso, reason: error.message },
        'a phase change of bpm the expediente cannot take was dropped',
      );
      return 'ignored';
    }
  }

  /**
   * bpm counted again the plazo of the phase its transition `paso` entered: the expediente
   * takes the new last day while it is still in that stay ('known' otherwise, or when it had).
   */
  async recalcularPlazo(
    plazo: { expedienteId: string; paso: number; vencimiento: string | null },
    request: RequestMetadata,
  ): Promise<FollowOutcome> {
    const { expedienteId, ...recalculo } = plazo;
    const causa = causaOfRequest(request);
    return retryOnConflict(async () => {
      const expediente = await this.expedientes.findById(expedienteId);
      if (!expediente) return 'ignored';
      if (!expediente.recalcularPlazo(recalculo, { por: causa.actor.userId, at: this.clock() })) {
        return 'known';
      }
      await this.expedientes.save(expediente, causa);
      return 'followed';
    });
  }
}
