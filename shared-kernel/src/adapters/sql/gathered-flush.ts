/** How long a flush gathers those who ask for it by default: a checkpoint trails by that much. */
export const FLUSH_WINDOW_MS = 50;

/**
 * One flush for all who ask within `windowMs`: whatever each of them committed before asking
 * is covered by the flush that starts when the window closes. For work that may reach the
 * disk a moment late (marks, checkpoints), never for an answer a user waits on.
 */
export function gatheredFlush(
  flush: () => Promise<void>,
  windowMs = FLUSH_WINDOW_MS,
): () => Promise<void> {
  let next: Promise<void> | undefined;
  return () => {
    next ??= new Promise<void>((resolve) => setTimeout(resolve, windowMs)).then(() => {
      next = undefined;
      return flush();
    });
    return next;
  };
}
