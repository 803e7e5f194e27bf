import { ComentarioInvalidoError } from './errors';
import { NOMBRE_DE_USUARIO } from './nombre-de-usuario';

export const MAXIMO_COMENTARIO = 4_000;

/**
 * `@username` (any case, kept in lower case), not inside a word or an e-mail address.
 * Trailing dots and dashes are the sentence's, not the name's.
 */
const MENCION = new RegExp(`(?<![\\w.@-])@(${NOMBRE_DE_USUARIO})`, 'gi');

/** Control characters, but the line break and the tab: they would not show, or would hide. */
const escondido = (caracter: string): boolean => {
  const code = caracter.charCodeAt(0);
  return (code < 0x20 && caracter !== '\n' && caracter !== '\t') || code === 0x7f;
};

const mencionada = (escrita: string): string | null => {
  const username = escrita.toLowerCase().replace(/[._-]+$/, '');
  return username.length >= 3 ? username : null;
};

/**
 * What a user writes on an expediente: plain text, its line breaks kept (`\r\n` read as
 * `\n`), with the users it mentions (`@username`, each once, in order). Never edited or
 * deleted: a correction is another comment.
 */
export class Comentario {
  private constructor(
    readonly texto: string,
    readonly menciones: readonly string[],
  ) {}

  static crear(escrito: string): Comentario {
    const texto = escrito.replace(/\r\n?/g, '\n').trim();
    if (texto.length === 0) throw new ComentarioInvalidoError('El comentario está vacío');
    if (texto.length > MAXIMO_COMENTARIO) {
      throw new ComentarioInvalidoError(
        `Un comentario no puede tener más de ${MAXIMO_COMENTARIO} caracteres`,
      );
    }
    if ([...texto].some(escondido)) {
      throw new ComentarioInvalidoError('El comentario lleva caracteres de control');
    }
    const escritas = [...texto.matchAll(MENCION)].map((match) => mencionada(match[1]));
    const menciones = [...new Set(escritas.filter((each): each is string => each !== null))];
    return new Comentario(texto, menciones);
  }
}
