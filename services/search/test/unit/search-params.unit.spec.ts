import { ZodError } from 'zod';
import { parseSearchParams } from '../../src/infrastructure/api/search-params';

const fieldErrors = (query: Record<string, unknown>): Record<string, string> => {
  try {
    parseSearchParams(query);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    return Object.fromEntries(error.issues.map((issue) => [issue.path.join('.'), issue.message]));
  }
  throw new Error('the parameters were accepted');
};

describe('the parameters of GET /search', () => {
  it('default to the first page of 20 without text or filters, empty fields meaning any', () => {
    expect(
      parseSearchParams({ q: '', fase: '', estado: '', opcionInicial: '', desde: '', hasta: '' }),
    ).toEqual({ page: 1, pageSize: 20 });
  });

  it('read text, filters and page', () => {
    expect(
      parseSearchParams({
        q: 'obra menor',
        fase: 'ANALISIS_TECNICO',
        estado: 'abierto',
        opcionInicial: 'SEDE_ELECTRONICA',
        desde: '2024-05-01T10:00:00+02:00',
        hasta: '2024-05-31',
        page: '3',
        pageSize: '50',
      }),
    ).toEqual({
      texto: 'obra menor',
      fase: 'ANALISIS_TECNICO',
      estado: 'abierto',
      opcionInicial: 'SEDE_ELECTRONICA',
      desde: new Date('2024-05-01T08:00:00.000Z'),
      // A day as the end of a range is its last instant.
      hasta: new Date('2024-05-31T23:59:59.999Z'),
      page: 3,
      pageSize: 50,
    });
  });

  it('read a day as the start of a range as its first instant', () => {
    expect(parseSearchParams({ desde: '2024-05-01' }).desde).toEqual(
      new Date('2024-05-01T00:00:00.000Z'),
    );
  });

  it('refuse what they cannot read, field by field, in Spanish', () => {
    expect(
      fieldErrors({
        estado: 'cerrado',
        opcionInicial: 'TELEFONO',
        desde: 'ayer',
        page: '0',
        pageSize: '500',
      }),
    ).toEqual({
      estado: 'Debe ser pendiente, abierto, finalizado, rechazado.',
      opcionInicial: 'Debe ser SEDE_ELECTRONICA o PETICION_DEPARTAMENTO.',
      desde: 'Debe ser una fecha (AAAA-MM-DD) o una fecha y hora ISO 8601 con zona horaria.',
      page: 'Debe ser 1 o más.',
      pageSize: 'Debe ser 100 como mucho.',
    });
    expect(fieldErrors({ page: 'dos', pageSize: '2.5' })).toEqual({
      page: 'Debe ser un número.',
      pageSize: 'Debe ser un número entero.',
    });
  });

  it('refuse a range that ends before it starts, and a text given twice', () => {
    expect(fieldErrors({ desde: '2024-06-01', hasta: '2024-05-31' })).toEqual({
      hasta: 'Debe ser igual o posterior a desde.',
    });
    expect(fieldErrors({ q: ['obra', 'menor'] })).toEqual({ q: 'Debe aparecer una sola vez.' });
    expect(fieldErrors({ q: 'x'.repeat(201) })).toEqual({
      q: 'Escribe 200 caracteres como mucho.',
    });
  });
});
