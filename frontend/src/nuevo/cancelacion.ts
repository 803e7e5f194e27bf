import { findByCodigo } from '../api/expedientes';
import { Sleep, sleep } from '../api/sagas';
import { ExpedienteEnLista } from '../api/types';

/** What a cancelled opening came to, as far as the API tells. */
export type Desenlace =
  | { readonly tipo: 'creado'; readonly expedienteId: string }
  | { readonly tipo: 'noCreado' }
  | { readonly tipo: 'desconocido' };

export interface ComprobacionOptions {
  readonly buscar?: (codigo: string) => Promise<ExpedienteEnLista | null>;
  readonly sleep?: Sleep;
  /** The pauses before each look: the server may still be finishing, the list lags behind. */
  readonly esperas?: readonly number[];
}

/**
 * Whether the server opened the expediente all the same after its upload was aborted before
 * any answer: looked up by its code (never by sending it again, which would open it). Only
 * a last look that worked and found nothing says it was not created.
 */
export async function comprobarTrasCancelar(
  codigo: string,
  options: ComprobacionOptions = {},
): Promise<Desenlace> {
  const buscar = options.buscar ?? findByCodigo;
  const wait = options.sleep ?? sleep;
  let desenlace: Desenlace = { tipo: 'desconocido' };
  for (const espera of options.esperas ?? [500, 1500, 3000]) {
    await wait(espera);
    try {
      const encontrado = await buscar(codigo);
      if (encontrado) return { tipo: 'creado', expedienteId: encontrado.id };
      desenlace = { tipo: 'noCreado' };
    } catch {
      desenlace = { tipo: 'desconocido' };
    }
  }
  return desenlace;
}
