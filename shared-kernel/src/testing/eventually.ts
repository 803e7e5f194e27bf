/**
 * Retries `assertion` every `intervalMs` until it passes, and returns what it returned; after
 * `timeoutMs`, its last failure is thrown.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
