/** A comment's text in pieces: plain text, and the mentions of users in it. */
export type Parte =
  | { readonly texto: string }
  /** `@username` as written, of a user the comment mentions (`menciones`: lower case). */
  | { readonly mencion: string; readonly escrita: string };

/**
 * `@username` as the API reads it: a username as auth spells them, any case, not inside a word
 * or an e-mail address. Trailing dots and dashes are the sentence's, not the name's.
 */
const MENCION = /(?<![\w.@-])@([a-z0-9][a-z0-9._-]{2,63})/gi;

/**
 * The text split at its mentions: only those the API found (`menciones`) are mentions; any
 * other `@word` stays text. Joined back, the pieces are the text, unchanged.
 */
export function partesDeComentario(texto: string, menciones: readonly string[]): Parte[] {
  const mencionados = new Set(menciones);
  const partes: Parte[] = [];
  let desde = 0;
  const anadirTexto = (hasta: number): void => {
    if (hasta > desde) partes.push({ texto: texto.slice(desde, hasta) });
    desde = hasta;
  };
  for (const match of texto.matchAll(MENCION)) {
    const nombre = (match[1] ?? '').replace(/[._-]+$/, '');
    const username = nombre.toLowerCase();
    if (!mencionados.has(username)) continue;
    anadirTexto(match.index);
    partes.push({ mencion: username, escrita: `@${nombre}` });
    desde = match.index + 1 + nombre.length;
  }
  anadirTexto(texto.length);
  return partes;
}
