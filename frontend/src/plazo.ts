/** How a phase's plazo is flagged: a badge when its last day is near or past, none in time. */
import { EstadoDelPlazo } from './api/types';
import { MessageKey } from './i18n';

export interface AvisoDelPlazo {
  readonly texto: MessageKey;
  /** The badge's classes: a warning when near, danger when past. */
  readonly clase: string;
}

const AVISOS = new Map<EstadoDelPlazo, AvisoDelPlazo>([
  ['proximo', { texto: 'plazo.proximo', clase: 'badge' }],
  ['vencido', { texto: 'plazo.vencido', clase: 'badge badge--danger' }],
]);

/** The badge for a plazo's state: null in time, and for a state a newer gateway may add. */
export const avisoDelPlazo = (estado: EstadoDelPlazo): AvisoDelPlazo | null =>
  AVISOS.get(estado) ?? null;
