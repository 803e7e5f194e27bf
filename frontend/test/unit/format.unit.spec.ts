import {
  diaYHora,
  fecha,
  fechaCompleta,
  fromDdMmAaaa,
  fromHora,
  instante,
  toDdMmAaaa,
} from '../../src/format';

/** An instant given in the local time the formats write. */
const local = (...parts: [number, number, number, number, number]): string =>
  new Date(parts[0], parts[1] - 1, parts[2], parts[3], parts[4]).toISOString();

describe('dates as Spanish readers expect them', () => {
  it('writes date and time with the day first and a four-digit year', () => {
    expect(fecha(local(2026, 12, 4, 16, 21))).toBe('04/12/2026, 16:21');
    expect(fecha(local(2027, 1, 31, 9, 5))).toBe('31/01/2027, 09:05');
  });

  it('writes the long form with the month by name and a four-digit year', () => {
    expect(fechaCompleta(local(2026, 12, 4, 16, 21))).toMatch(
      /^4 de diciembre de 2026\b.*16:21:00$/,
    );
  });

  it('writes a day of the API (aaaa-mm-dd) as dd/mm/aaaa', () => {
    expect(toDdMmAaaa('2026-01-31')).toBe('31/01/2026');
    expect(toDdMmAaaa('')).toBe('');
  });

  it('reads dd/mm/aaaa into the day the API takes, and back the same', () => {
    expect(fromDdMmAaaa('31/01/2026')).toBe('2026-01-31');
    expect(fromDdMmAaaa(' 4/2/2026 ')).toBe('2026-02-04');
    expect(fromDdMmAaaa('04-02-2026')).toBe('2026-02-04');
    expect(fromDdMmAaaa('04.02.2026')).toBe('2026-02-04');
    expect(fromDdMmAaaa('04022026')).toBe('2026-02-04'); // a phone's keyboard may lack '/'
    expect(fromDdMmAaaa('29/02/2028')).toBe('2028-02-29');
    expect(toDdMmAaaa(fromDdMmAaaa('01/12/2026') as string)).toBe('01/12/2026');
  });

  it('refuses what is no day of the calendar', () => {
    for (const texto of [
      '',
      'ayer',
      '31/02/2026',
      '29/02/2026',
      '00/01/2026',
      '32/01/2026',
      '01/13/2026',
      '01/00/2026',
      '1/1/26',
      '2026-01-31',
      '01/01/0999',
      '1/1/2026x',
    ]) {
      expect([texto, fromDdMmAaaa(texto)]).toEqual([texto, null]);
    }
  });

  it('reads a 24-hour time as hh:mm, or hh:mm:ss when it has its seconds', () => {
    expect(fromHora('09:05')).toBe('09:05');
    expect(fromHora(' 9:05 ')).toBe('09:05');
    expect(fromHora('23.59')).toBe('23:59');
    expect(fromHora('0000')).toBe('00:00'); // a phone's keyboard may lack ':'
    expect(fromHora('17:44:29')).toBe('17:44:29');
  });

  it('refuses what is no time of the day', () => {
    for (const texto of ['', 'mediodía', '24:00', '23:60', '12:30:60', '1:5', '9', '12:30pm']) {
      expect([texto, fromHora(texto)]).toEqual([texto, null]);
    }
  });

  it('takes a day and a time of local time as an instant, and gives them back', () => {
    const iso = instante('2026-12-04', '17:44:29');
    expect(iso).toBe(new Date(2026, 11, 4, 17, 44, 29).toISOString());
    expect(diaYHora(iso)).toEqual({ dia: '2026-12-04', hora: '17:44:29' });
    // Without seconds, as the user wrote it.
    expect(diaYHora(instante('2027-01-31', '09:05'))).toEqual({ dia: '2027-01-31', hora: '09:05' });
  });
});
