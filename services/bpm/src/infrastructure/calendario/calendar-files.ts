import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CalendarioLaboral, Dia } from '@expedientes/shared-kernel';
import { jsonFilesIn, parseJsonFile } from '../json-files';

const dia = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD');

/** One year's holidays, `<año>.json`: national, regional and local alike. */
const calendarFileSchema = z.strictObject({
  anio: z.number().int().min(2000).max(2100),
  festivos: z.array(
    z.strictObject({
      fecha: dia,
      nombre: z.string().min(1),
      ambito: z.enum(['nacional', 'autonomico', 'local']),
    }),
  ),
});

const fileName = /^(?<anio>\d{4})\.json$/;

/** A calendar file that cannot be used: the service refuses to start with it. */
export class CalendarFileError extends Error {
  constructor(file: string, problem: string) {
    super(`calendar ${file}: ${problem}`);
    this.name = 'CalendarFileError';
  }
}

export interface CalendarioCargado {
  readonly calendario: CalendarioLaboral;
  /** The years the folder has a file for. */
  readonly anios: readonly number[];
  /** Names the holidays exactly (with the time zone, it says when to count open plazos again). */
  readonly huella: string;
}

function parse(file: string, text: string): Dia[] {
  const { anio, festivos } = parseJsonFile(
    text,
    calendarFileSchema,
    (problem) => new CalendarFileError(file, problem),
  );
  if (fileName.exec(file)?.groups?.anio !== String(anio)) {
    throw new CalendarFileError(file, `holds the year ${anio}, so it must be named ${anio}.json`);
  }
  const fuera = festivos.filter(({ fecha }) => !fecha.startsWith(`${anio}-`));
  if (fuera.length > 0) {
    throw new CalendarFileError(file, `${fuera.map((f) => f.fecha).join(', ')} not in ${anio}`);
  }
  try {
    // A day that does not exist (2026-02-30) is refused here.
    new CalendarioLaboral(festivos.map(({ fecha }) => fecha));
  } catch (error) {
    throw new CalendarFileError(file, (error as Error).message);
  }
  return festivos.map(({ fecha }) => fecha);
}

/**
 * Reads the working calendar from `directory` (one `<año>.json` per year) at start-up: a broken
 * file stops the service with its reason. Years without a file count weekends only.
 */
export async function loadCalendarFiles(directory: string): Promise<CalendarioCargado> {
  const files = await jsonFilesIn(directory);
  const festivos = files.flatMap(({ file, text }) => parse(file, text));
  const unicos = [...new Set(festivos)].sort();
  return {
    calendario: new CalendarioLaboral(unicos),
    anios: files.map(({ file }) => Number(file.slice(0, 4))),
    huella: createHash('sha256').update(unicos.join('\n')).digest('hex'),
  };
}

/** What the open plazos were counted with: the holidays, and the zone their days are in. */
export const huellaDePlazos = (calendario: CalendarioCargado, zonaHoraria: string): string =>
  createHash('sha256').update(`${calendario.huella}\n${zonaHoraria}`).digest('hex');
