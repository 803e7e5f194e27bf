import { CalendarioLaboral } from '@expedientes/shared-kernel';
import { ReglaDePlazos } from '../../src/domain/regla-de-plazos';

/** Plazos counted on weekends alone, in Madrid's time. */
export const sinFestivos = new ReglaDePlazos(new CalendarioLaboral([]), 'Europe/Madrid');
