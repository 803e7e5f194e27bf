import { CalendarioLaboral, Dia, diaEn } from '@expedientes/shared-kernel';
import { Fase } from './procedimiento';

/**
 * When the plazo of a phase ends for a process entering it at a given instant: counted on the
 * administration's working calendar, from the day the instant falls on in its time zone.
 */
export class ReglaDePlazos {
  constructor(
    private readonly calendario: CalendarioLaboral,
    private readonly zonaHoraria: string,
  ) {}

  /** Null for a phase without a plazo. */
  vencimiento(fase: Fase, entrada: Date): Dia | null {
    if (!fase.plazo) return null;
    return this.calendario.vencimiento(diaEn(entrada, this.zonaHoraria), fase.plazo);
  }

  /** Today, in the administration's time zone. */
  hoy(now: Date): Dia {
    return diaEn(now, this.zonaHoraria);
  }
}
