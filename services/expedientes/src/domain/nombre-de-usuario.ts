import { NombreDeUsuarioInvalidoError } from './errors';

/** A username as auth spells them: a letter or digit, then 2 to 63 of a-z, 0-9, `.`, `_`, `-`. */
export const NOMBRE_DE_USUARIO = '[a-z0-9][a-z0-9._-]{2,63}';

const completo = new RegExp(`^${NOMBRE_DE_USUARIO}$`);

/** `texto` as a username (auth keeps them in lower case). @throws NombreDeUsuarioInvalidoError */
export function nombreDeUsuario(texto: string): string {
  const nombre = texto.trim().toLowerCase();
  if (!completo.test(nombre)) throw new NombreDeUsuarioInvalidoError(texto);
  return nombre;
}
