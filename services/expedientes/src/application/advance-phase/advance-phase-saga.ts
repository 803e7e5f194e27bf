import {
  bpm,
  defineSaga,
  Fase,
  invoke,
  local,
  onFailure,
  onSuccess,
  SagaDefinition,
} from '@expedientes/shared-kernel';
import { autoria, causaOfSaga } from '../request';
import { retryOnConflict } from '../retry-on-conflict';
import { SagaDependencies } from '../sagas/saga-dependencies';
import { reasonOf } from '../sagas/saga-failures';

export const ADVANCE_PHASE = 'expedientes.AdvancePhase';

export interface AdvancePhaseData {
  readonly expedienteId: string;
  /** The code of the phase asked for. */
  readonly hacia: string;
  /** The transition bpm recorded, once it has. */
  readonly transicion: { readonly desde: Fase; readonly hacia: Fase } | null;
}

/**
 * bpm checks the transition against the procedure and the user's roles and records it; the
 * expediente then records its new phase. A refusal ends the saga with bpm's reason: nothing was
 * done, so nothing is undone.
 */
export function advancePhaseSaga({
  expedientes,
  clock,
  stepTimeoutMs,
}: Pick<
  SagaDependencies,
  'expedientes' | 'clock' | 'stepTimeoutMs'
>): SagaDefinition<AdvancePhaseData> {
  return defineSaga<AdvancePhaseData>({
    type: ADVANCE_PHASE,
    key: (data) => data.expedienteId,
    steps: [
      {
        name: 'solicitarTransicion',
        action: invoke('bpm', bpm.RequestTransition, {
          payload: (data) => ({ expedienteId: data.expedienteId, hacia: data.hacia }),
          timeoutMs: stepTimeoutMs,
          replies: [
            onSuccess(bpm.TransitionRecorded, (data, reply) => ({
              ...data,
              transicion: { desde: reply.desde, hacia: reply.hacia },
            })),
            onFailure(bpm.TransitionRefused, reasonOf),
          ],
        }),
      },
      {
        name: 'registrarFase',
        action: local(async (data, context) => {
          const hacia = data.transicion?.hacia;
          if (!hacia) throw new Error(`saga of ${data.expedienteId} lost bpm's reply`);
          await retryOnConflict(async () => {
            const expediente = await expedientes.findById(data.expedienteId);
            if (!expediente) throw new Error(`expediente ${data.expedienteId} is not stored`);
            // Phases change only through bpm, one at a time: being there means done before.
            if (expediente.faseActual?.codigo === hacia.codigo) return;
            expediente.cambiarFase(hacia, autoria(context.actor, clock()));
            await expedientes.save(expediente, causaOfSaga(context));
          });
        }),
      },
    ],
  });
}
