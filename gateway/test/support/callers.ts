import { Persona, personas } from './gateway-under-test';

/** Who calls: each persona with their token, and nobody (no token at all). */
export type Caller = Persona | 'anonymous';
export const CALLERS: readonly Caller[] = ['anonymous', ...(Object.keys(personas) as Persona[])];

/** What a caller is owed by a route that admits `allowed`, before it looks at anything else. */
export const owedTo = (caller: Caller, allowed: readonly string[]): 'served' | 401 | 403 => {
  if (caller === 'anonymous') return 401;
  return personas[caller].roles.some((role) => allowed.includes(role)) ? 'served' : 403;
};

/** Whether an answer's status is what the caller was owed. */
export const answersAsOwed = (status: number, owed: 'served' | 401 | 403): boolean =>
  owed === 'served' ? status !== 401 && status !== 403 : status === owed;
