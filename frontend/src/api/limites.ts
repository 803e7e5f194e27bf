import { tamano } from '../format';
import { t } from '../i18n';

/** The files a user picked, split by the platform's limit: the bytes of a file too large never go. */
export interface ArchivosPorTamano {
  readonly aceptados: readonly File[];
  /** What to tell the user of each one left out; empty when none was. */
  readonly avisos: readonly string[];
}

export function porTamano(
  archivos: readonly File[],
  maximo: number | undefined,
): ArchivosPorTamano {
  if (maximo === undefined) return { aceptados: archivos, avisos: [] };
  return {
    aceptados: archivos.filter((archivo) => archivo.size <= maximo),
    avisos: archivos
      .filter((archivo) => archivo.size > maximo)
      .map((archivo) =>
        t('subida.demasiadoGrande', {
          nombre: archivo.name,
          tamano: tamano(archivo.size),
          maximo: tamano(maximo),
        }),
      ),
  };
}
