/**
 * What an embedded store's commit survives once it has answered.
 * - `power-cut`: a power cut or a crash of the operating system too; every commit waits for
 *   the disk (fsync), which is most of what a write costs on a virtual machine.
 * - `process-crash`: a crash or SIGKILL of the process, not a power cut. Commits are in the
 *   operating system's cache when they answer and reach the disk at the next checkpoint; after
 *   a power cut each file may have lost its last seconds, not all files the same.
 */
export type Durability = 'power-cut' | 'process-crash';

export const DURABILITIES: readonly Durability[] = ['power-cut', 'process-crash'];
