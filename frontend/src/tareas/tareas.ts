/** "Mis tareas": what the page shows of GET /tasks, and how often it loads it again. */
import { ExpedienteEnLista, Fase, Tareas } from '../api/types';

/** The tasks shown: those in the phase `fase` (a code), or all of them for ''. */
export const tareasDeFase = (tareas: Tareas, fase: string): readonly ExpedienteEnLista[] =>
  fase ? tareas.expedientes.filter((item) => item.fase?.codigo === fase) : tareas.expedientes;

/**
 * The phases (only `fase`, when one is chosen) in which more wait than the answer lists (it
 * stops at its limit), with how many wait there: the list shows them all.
 */
export function fasesRecortadas(
  tareas: Tareas,
  fase: string,
): Array<{ readonly fase: Fase; readonly total: number }> {
  return tareas.porFase.filter(
    (each) =>
      (!fase || each.fase.codigo === fase) &&
      each.total > tareasDeFase(tareas, each.fase.codigo).length,
  );
}

/** The list's query for the open expedientes in a phase. */
export const listaDeFase = (fase: string): { path: string; query: Record<string, string> } => ({
  path: '/expedientes',
  query: { fase, estado: 'abierto' },
});

export interface Agrupador {
  /** Asks for a call: the one already waiting, or one `ms` from now. */
  pedir(): void;
  cancelar(): void;
}

/**
 * Calls `fn` `ms` after a first request, once for every request made meanwhile: at most once
 * every `ms`, however many events come, and never long after the last of them.
 */
export function agrupar(fn: () => void, ms: number): Agrupador {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    pedir() {
      timer ??= setTimeout(() => {
        timer = undefined;
        fn();
      }, ms);
    },
    cancelar() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
