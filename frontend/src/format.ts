/** Dates and sizes as Spanish readers expect them, whatever the browser's locale. */

// Spelled out: es-ES's dateStyle 'short' writes the year with two digits (4/12/26).
const fechaHora = new Intl.DateTimeFormat('es-ES', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const fechaLarga = new Intl.DateTimeFormat('es-ES', { dateStyle: 'long', timeStyle: 'medium' });
const pad = (n: number): string => String(n).padStart(2, '0');
const numero = new Intl.NumberFormat('es-ES', { maximumFractionDigits: 1 });

export const fecha = (iso: string): string => fechaHora.format(new Date(iso));
export const fechaCompleta = (iso: string): string => fechaLarga.format(new Date(iso));

const UNIDADES = ['bytes', 'KB', 'MB', 'GB'] as const;

export function tamano(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNIDADES.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${numero.format(value)} ${UNIDADES[unit]}`;
}

/**
 * An ISO instant as the day (aaaa-mm-dd) and the 24-hour time (hh:mm, or hh:mm:ss when its
 * seconds are not zero) of the browser's local time.
 */
export function diaYHora(iso: string): { dia: string; hora: string } {
  const date = new Date(iso);
  const dia = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const segundos = date.getSeconds() === 0 ? '' : `:${pad(date.getSeconds())}`;
  return { dia, hora: `${pad(date.getHours())}:${pad(date.getMinutes())}${segundos}` };
}

/**
 * A time written hh:mm (24 hours; also h:mm, hh.mm, hhmm, and with its seconds: hh:mm:ss) as
 * hh:mm or hh:mm:ss, or null when it is no time of the day.
 */
export function fromHora(texto: string): string | null {
  const partes =
    /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/.exec(texto.trim()) ??
    /^(\d{2})(\d{2})$/.exec(texto.trim());
  if (!partes) return null;
  const [hh, mm, ss] = partes.slice(1).map((parte) => (parte === undefined ? 0 : Number(parte)));
  if (hh > 23 || mm > 59 || ss > 59) return null;
  return `${pad(hh)}:${pad(mm)}${partes[3] === undefined ? '' : `:${pad(ss)}`}`;
}

/** A day (aaaa-mm-dd) and a time (hh:mm[:ss], from fromHora) of local time: an ISO instant. */
export function instante(dia: string, hora: string): string {
  const [aaaa, mes, dd] = dia.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss = 0] = hora.split(':').map(Number) as [number, number, number?];
  return new Date(aaaa, mes - 1, dd, hh, mm, ss).toISOString();
}

/** A day as the API takes it (aaaa-mm-dd) written as Spanish readers do: dd/mm/aaaa. */
export function toDdMmAaaa(dia: string): string {
  const [aaaa, mm, dd] = dia.split('-');
  return dia ? `${dd}/${mm}/${aaaa}` : '';
}

/**
 * A day written dd/mm/aaaa as the API takes it (aaaa-mm-dd), or null when it is no day of the
 * calendar (31/02/2026 included). Also taken: a one-digit day or month, '-' or '.' between, and
 * ddmmaaaa without separators (a phone's numeric keyboard may have no '/').
 */
export function fromDdMmAaaa(texto: string): string | null {
  const partes =
    /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(texto.trim()) ??
    /^(\d{2})(\d{2})(\d{4})$/.exec(texto.trim());
  if (!partes) return null;
  const [dd, mm, aaaa] = partes.slice(1).map(Number) as [number, number, number];
  // Date rolls 31/02 over to March: the day is real only if it comes back the same.
  const dia = new Date(Date.UTC(aaaa, mm - 1, dd));
  if (aaaa < 1000 || dia.getUTCMonth() !== mm - 1 || dia.getUTCDate() !== dd) return null;
  return `${aaaa}-${pad(mm)}-${pad(dd)}`;
}
