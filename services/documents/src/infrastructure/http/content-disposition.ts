/**
 * `Content-Disposition: attachment` with the file name twice (RFC 6266): `filename*` in UTF-8
 * (RFC 5987/8187) for the clients that read it, which is all current ones, and an ASCII
 * `filename` for the rest.
 */
export function attachment(nombre: string): string {
  return `attachment; filename="${asciiFallback(nombre)}"; filename*=UTF-8''${rfc5987(nombre)}`;
}

/** Accents dropped, anything else outside printable ASCII (and quotes, backslashes) as `_`. */
const asciiFallback = (nombre: string): string =>
  nombre
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');

/** encodeURIComponent leaves `'()*` as they are, but RFC 5987's attr-char excludes them. */
const rfc5987 = (nombre: string): string =>
  encodeURIComponent(nombre).replace(
    /['()*]/g,
    (letra) => `%${letra.charCodeAt(0).toString(16).toUpperCase()}`,
  );
