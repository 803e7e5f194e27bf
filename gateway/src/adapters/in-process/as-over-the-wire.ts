/**
 * `value` as a service's HTTP API would hand it over: as JSON text read back. Most answers are
 * JSON data already (the views the read models keep as JSON text) and come back as they are,
 * without two encodings of a page of views on every read; anything else (a Date, an undefined
 * field, an object with `toJSON`, a class) goes through JSON.
 */
export function asOverTheWire(value: unknown): unknown {
  return isJsonData(value) ? value : JSON.parse(JSON.stringify(value));
}

/**
 * Whether JSON gives `value` back unchanged: strings, finite numbers, booleans, null, and
 * plain arrays and objects of them.
 */
function isJsonData(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    // A hole reads as undefined, which JSON writes as null.
    for (let index = 0; index < value.length; index++) {
      if (!isJsonData(value[index])) return false;
    }
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if ('toJSON' in value) return false;
  return Object.values(value).every(isJsonData);
}
