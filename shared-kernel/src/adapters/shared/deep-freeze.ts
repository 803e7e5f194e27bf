/**
 * Makes `value` read-only all the way down. For what one process hands from memory to several
 * readers at once, so that none of them can change what the others see.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const each of Object.values(value)) deepFreeze(each);
  return Object.freeze(value);
}
