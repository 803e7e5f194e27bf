import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCalendarioDir } from '../../src/composition-root';
import {
  huellaDePlazos,
  loadCalendarFiles,
} from '../../src/infrastructure/calendario/calendar-files';

describe('working calendar files', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bpm-calendario-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const write = (file: string, content: unknown): void =>
    writeFileSync(
      join(folder, file),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  const fiesta = (fecha: string, ambito = 'local') => ({ fecha, nombre: 'Fiesta', ambito });

  it('ships Spain’s national holidays of 2026 and 2027', async () => {
    const { calendario, anios } = await loadCalendarFiles(defaultCalendarioDir);
    expect(anios).toEqual([2026, 2027]);
    expect(calendario.esHabil('2026-10-12')).toBe(false);
    expect(calendario.esHabil('2027-03-26')).toBe(false);
    expect(calendario.esHabil('2026-10-13')).toBe(true);
  });

  it('joins national, regional and local holidays, and names the whole by its fingerprint', async () => {
    write('2026.json', { anio: 2026, festivos: [fiesta('2026-12-08', 'nacional')] });
    const antes = await loadCalendarFiles(folder);
    write('2026.json', {
      anio: 2026,
      festivos: [
        fiesta('2026-12-08', 'nacional'),
        fiesta('2026-05-15'),
        fiesta('2026-05-02', 'autonomico'),
      ],
    });
    const despues = await loadCalendarFiles(folder);
    expect(
      ['2026-12-08', '2026-05-15', '2026-05-04'].map((dia) => despues.calendario.esHabil(dia)),
    ).toEqual([false, false, true]);
    expect(despues.huella).not.toBe(antes.huella);
    expect((await loadCalendarFiles(folder)).huella).toBe(despues.huella);
  });

  it('counts the open plazos again when the time zone changes too', async () => {
    write('2026.json', { anio: 2026, festivos: [fiesta('2026-12-08', 'nacional')] });
    const cargado = await loadCalendarFiles(folder);
    expect(huellaDePlazos(cargado, 'Europe/Madrid')).not.toBe(
      huellaDePlazos(cargado, 'Atlantic/Canary'),
    );
    expect(huellaDePlazos(cargado, 'Europe/Madrid')).toBe(
      huellaDePlazos(await loadCalendarFiles(folder), 'Europe/Madrid'),
    );
  });

  it.each([
    ['text that is not JSON', '2026.json', '{ "anio": ', /2026\.json: not JSON/],
    [
      'a name that is not its year',
      '2025.json',
      { anio: 2026, festivos: [] },
      /must be named 2026\.json/,
    ],
    [
      'a day of another year',
      '2026.json',
      { anio: 2026, festivos: [fiesta('2027-01-01')] },
      /2027-01-01 not in 2026/,
    ],
    [
      'a day that does not exist',
      '2026.json',
      { anio: 2026, festivos: [fiesta('2026-02-30')] },
      /2026-02-30 does not exist/,
    ],
    [
      'an unknown scope',
      '2026.json',
      { anio: 2026, festivos: [fiesta('2026-05-15', 'barrio')] },
      /festivos\.0\.ambito/,
    ],
  ])('refuses %s', async (_what, file, content, problem) => {
    write(file, content);
    await expect(loadCalendarFiles(folder)).rejects.toThrow(problem);
  });
});
