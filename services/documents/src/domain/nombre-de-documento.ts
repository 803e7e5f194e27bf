import { NombreDeDocumentoInvalido } from './errores';

const MAX_LENGTH = 255;
// Control characters would break headers and listings; separators would make it a path.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f/\\]/;

/** The file name a document is shown and downloaded with, as the user gave it. */
export function nombreDeDocumento(candidato: string | undefined): string {
  const nombre = candidato?.trim() ?? '';
  if (nombre === '') throw new NombreDeDocumentoInvalido('Falta el nombre del documento');
  if (nombre.length > MAX_LENGTH) {
    throw new NombreDeDocumentoInvalido(
      `El nombre del documento no puede pasar de ${MAX_LENGTH} caracteres`,
    );
  }
  if (FORBIDDEN.test(nombre) || nombre === '.' || nombre === '..') {
    throw new NombreDeDocumentoInvalido(
      'El nombre del documento no puede contener barras ni caracteres de control',
    );
  }
  return nombre;
}
