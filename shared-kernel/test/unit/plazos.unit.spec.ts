import { CalendarioLaboral, diaEn, diasEntre, estadoDelPlazo } from '../../src/domain/plazos';

// December 2026: the 5th and 6th, 12th and 13th are a weekend; the 8th is a national holiday.
const calendario = new CalendarioLaboral(['2026-12-08', '2026-12-25']);

describe('plazos (Ley 39/2015, art. 30)', () => {
  it('counts días hábiles from the day after, skipping weekends and holidays', () => {
    // Friday the 4th: Mon 7 (1), Tue 8 holiday, Wed 9 (2), Thu 10 (3), Fri 11 (4), Mon 14 (5).
    expect(calendario.vencimiento('2026-12-04', { dias: 5, computo: 'habiles' })).toBe(
      '2026-12-14',
    );
    expect(calendario.vencimiento('2026-12-04', { dias: 1, computo: 'habiles' })).toBe(
      '2026-12-07',
    );
  });

  it('counts días naturales, a last day that is not hábil moving to the next hábil', () => {
    expect(calendario.vencimiento('2026-12-01', { dias: 2, computo: 'naturales' })).toBe(
      '2026-12-03',
    );
    // The 5th is a Saturday: the plazo ends on Monday the 7th.
    expect(calendario.vencimiento('2026-12-01', { dias: 4, computo: 'naturales' })).toBe(
      '2026-12-07',
    );
    // The 7th + 1 is the holiday of the 8th: Wednesday the 9th.
    expect(calendario.vencimiento('2026-12-07', { dias: 1, computo: 'naturales' })).toBe(
      '2026-12-09',
    );
  });

  it('crosses months, years and summer time alike', () => {
    const sinFestivos = new CalendarioLaboral([]);
    // Thursday the 31st + 1: Friday, New Year's Day, not a holiday of this calendar.
    expect(sinFestivos.vencimiento('2026-12-31', { dias: 1, computo: 'naturales' })).toBe(
      '2027-01-01',
    );
    // Summer time begins on Sunday the 29th of March.
    expect(sinFestivos.vencimiento('2026-03-28', { dias: 2, computo: 'naturales' })).toBe(
      '2026-03-30',
    );
    expect(diasEntre('2026-10-24', '2026-10-26')).toBe(2);
    expect(calendario.vencimiento('2026-12-24', { dias: 2, computo: 'habiles' })).toBe(
      '2026-12-29',
    );
  });

  it('takes the day of an instant in the administration’s time zone', () => {
    // 23:30 UTC on the 3rd is already the 4th in Madrid (UTC+1 in winter), not in the Canaries.
    const at = new Date('2026-12-03T23:30:00Z');
    expect(diaEn(at, 'Europe/Madrid')).toBe('2026-12-04');
    expect(diaEn(at, 'Atlantic/Canary')).toBe('2026-12-03');
  });

  it('changes the day on the second it begins, even where the offset had seconds', () => {
    const dias = (...instants: string[]) =>
      instants.map((each) => diaEn(new Date(each), 'Europe/Madrid'));
    expect(dias('2026-12-03T22:59:59.999Z', '2026-12-03T23:00:00.000Z')).toEqual([
      '2026-12-03',
      '2026-12-04',
    ]);
    // Madrid kept its local mean time, 14 min 44 s behind UTC, until 1901: within one minute.
    expect(
      dias('1900-06-01T00:14:43.900Z', '1900-06-01T00:14:44.000Z', '1900-06-01T00:14:43.100Z'),
    ).toEqual(['1900-05-31', '1900-06-01', '1900-05-31']);
  });

  it('refuses days that do not exist', () => {
    expect(() => new CalendarioLaboral(['2026-02-30'])).toThrow(RangeError);
    expect(() => new CalendarioLaboral(['30/01/2026'])).toThrow(RangeError);
  });

  it.each([
    ['2026-12-10', '2026-12-11', 'vencido'],
    ['2026-12-10', '2026-12-10', 'proximo'],
    ['2026-12-12', '2026-12-10', 'proximo'],
    ['2026-12-13', '2026-12-10', 'en-plazo'],
  ] as const)('a plazo ending %s stands, on %s with 3 days of warning, %s', (fin, hoy, estado) => {
    expect(estadoDelPlazo(fin, hoy, 3)).toBe(estado);
  });
});
