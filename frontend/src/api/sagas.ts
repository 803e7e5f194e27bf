import { request, Answer } from './http';
import { errorFromFallo } from './problem';
import { Operacion, OperacionEnCurso } from './types';

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits between polls: quick at first (most sagas end within a second), then every 2 s. */
export const backoff = (attempt: number, delays: readonly number[] = [150, 300, 600, 1000, 2000]) =>
  delays[Math.min(attempt, delays.length - 1)] ?? 2000;

const ENDED: ReadonlySet<Operacion['estado']> = new Set(['completed', 'compensated', 'failed']);

export interface FollowOptions {
  readonly getOperacion?: (sagaId: string) => Promise<Operacion>;
  readonly sleep?: Sleep;
  /** Give up after this many polls (about 5 minutes with the default backoff). */
  readonly maxPolls?: number;
}

const fetchOperacion = async (sagaId: string): Promise<Operacion> =>
  (await request<Operacion>(`/sagas/${encodeURIComponent(sagaId)}`)).data;

/**
 * Polls GET /sagas/{id} until the operation ends: its completion, or its failure as an
 * ApiError with the reason it gave.
 */
export async function followSaga(sagaId: string, options: FollowOptions = {}): Promise<Operacion> {
  const get = options.getOperacion ?? fetchOperacion;
  const wait = options.sleep ?? sleep;
  const maxPolls = options.maxPolls ?? 160;
  for (let attempt = 0; attempt < maxPolls; attempt++) {
    const operacion = await get(sagaId);
    if (ENDED.has(operacion.estado)) {
      if (operacion.estado === 'completed') return operacion;
      throw errorFromFallo(operacion.fallo);
    }
    await wait(backoff(attempt));
  }
  throw errorFromFallo(null);
}

/**
 * The answer of a command that may run a saga: done at once (its result), or 202 and then
 * done when the saga completes (the operation, which names the expediente).
 */
export async function settled<TResult>(
  answer: Answer<TResult | OperacionEnCurso>,
  options: FollowOptions = {},
): Promise<{ readonly expedienteId: string | null; readonly result: TResult | null }> {
  if (answer.status !== 202) {
    const result = answer.data as TResult;
    const id = (result as { expedienteId?: unknown }).expedienteId;
    return { expedienteId: typeof id === 'string' ? id : null, result };
  }
  const operacion = await followSaga((answer.data as OperacionEnCurso).sagaId, options);
  return { expedienteId: operacion.expedienteId, result: null };
}
