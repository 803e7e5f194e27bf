/** Dates and sizes as Spanish readers expect them. */

const fechaHora = new Intl.DateTimeFormat('es-ES', { dateStyle: 'short', timeStyle: 'short' });
const fechaLarga = new Intl.DateTimeFormat('es-ES', { dateStyle: 'long', timeStyle: 'medium' });
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

/** An ISO instant as the value of an <input type="datetime-local" step="1"> (local time). */
export function toDatetimeLocal(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The value of an <input type="datetime-local"> (local time) as an ISO instant, or null. */
export function fromDatetimeLocal(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
