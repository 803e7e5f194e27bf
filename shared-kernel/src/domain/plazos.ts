/**
 * Plazos (Ley 39/2015, art. 30): how long a process may stay in a phase, counted in días hábiles
 * (every day but Saturdays, Sundays and holidays) or naturales, from the day after it entered.
 * A plazo whose last day is not hábil ends on the next día hábil.
 */

/** A calendar day, `YYYY-MM-DD`, in the administration's own time zone. */
export type Dia = string;

export type Computo = 'habiles' | 'naturales';

/** The most a process may stay in a phase. */
export interface Plazo {
  readonly dias: number;
  readonly computo: Computo;
}

const DIA = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_POR_DIA = 86_400_000;

/** The day as noon UTC: arithmetic on it never crosses a change of summer time. */
function mediodia(dia: Dia): number {
  const partes = DIA.exec(dia);
  if (!partes) throw new RangeError(`${dia} is not a day (YYYY-MM-DD)`);
  const [, anio, mes, diaDelMes] = partes.map(Number);
  const at = Date.UTC(anio, mes - 1, diaDelMes, 12);
  if (new Date(at).getUTCDate() !== diaDelMes) throw new RangeError(`${dia} does not exist`);
  return at;
}

const diaDe = (at: number): Dia => new Date(at).toISOString().slice(0, 10);

const numeroDeDia = (at: number): number => Math.floor(at / MS_POR_DIA);

/** Whole days from `desde` to `hasta` (negative when `hasta` comes first). */
export const diasEntre = (desde: Dia, hasta: Dia): number =>
  Math.round((mediodia(hasta) - mediodia(desde)) / MS_POR_DIA);

/**
 * The working calendar: which days are not hábiles besides weekends. Holidays (national,
 * regional and local alike) are just days here; where they come from is the calendar files'.
 */
export class CalendarioLaboral {
  /** By their number since 1970 (noon UTC over a day's length): no day written out to ask. */
  private readonly festivos: ReadonlySet<number>;

  constructor(festivos: Iterable<Dia>) {
    this.festivos = new Set([...festivos].map((dia) => numeroDeDia(mediodia(dia))));
  }

  esHabil(dia: Dia): boolean {
    return this.esHabilA(mediodia(dia));
  }

  /** The last day of `plazo` for a phase entered on `inicio`. */
  vencimiento(inicio: Dia, plazo: Plazo): Dia {
    // Counted on instants (noon UTC); only the last day is written out.
    let at = mediodia(inicio);
    if (plazo.computo === 'naturales') {
      // A last day that is not hábil moves to the next día hábil.
      at += plazo.dias * MS_POR_DIA;
      while (!this.esHabilA(at)) at += MS_POR_DIA;
    } else {
      for (let contados = 0; contados < plazo.dias;) {
        at += MS_POR_DIA;
        if (this.esHabilA(at)) contados++;
      }
    }
    return diaDe(at);
  }

  /** Whether the day of `at` (noon UTC of a day) is hábil. */
  private esHabilA(at: number): boolean {
    const diaDeLaSemana = new Date(at).getUTCDay();
    return diaDeLaSemana !== 0 && diaDeLaSemana !== 6 && !this.festivos.has(numeroDeDia(at));
  }
}

/** Per time zone, its formatter and the day of the second asked last. */
interface DiasDeZona {
  readonly formato: Intl.DateTimeFormat;
  segundo: number;
  dia: Dia;
}

/** Making a formatter costs far more than formatting with it, and formatting than a lookup. */
const diasPorZona = new Map<string, DiasDeZona>();

/**
 * The day an instant falls on in `zonaHoraria` (an IANA name such as Europe/Madrid). Every
 * offset a zone ever had is a whole number of seconds, so a day begins on a second's boundary:
 * the instants of one second share their day, and a busy process formats it once.
 */
export function diaEn(at: Date, zonaHoraria: string): Dia {
  let zona = diasPorZona.get(zonaHoraria);
  if (!zona) {
    // en-CA writes dates as YYYY-MM-DD.
    const formato = new Intl.DateTimeFormat('en-CA', {
      timeZone: zonaHoraria,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    zona = { formato, segundo: Number.NaN, dia: '' };
    diasPorZona.set(zonaHoraria, zona);
  }
  const segundo = Math.floor(at.getTime() / 1000);
  if (segundo !== zona.segundo) {
    zona.dia = zona.formato.format(at);
    zona.segundo = segundo;
  }
  return zona.dia;
}

/**
 * What lists sort plazos by: the last day itself, and for none a day after every other, so
 * that in ascending order what is due first comes first and what has no plazo last.
 */
export const ordenDeVencimiento = (vencimiento: Dia | null | undefined): string =>
  vencimiento ?? '9999-12-31';

export type EstadoDelPlazo = 'en-plazo' | 'proximo' | 'vencido';

/**
 * Where a plazo stands on `hoy`: `vencido` once its last day has passed, `proximo` when at most
 * `avisoDias` days remain (its last day included), `en-plazo` otherwise.
 */
export function estadoDelPlazo(vencimiento: Dia, hoy: Dia, avisoDias: number): EstadoDelPlazo {
  const restantes = diasEntre(hoy, vencimiento);
  if (restantes < 0) return 'vencido';
  return restantes < avisoDias ? 'proximo' : 'en-plazo';
}
