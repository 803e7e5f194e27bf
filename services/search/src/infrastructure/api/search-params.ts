import { z } from 'zod';
import { SearchExpedientesQuery } from '../../application/search-expedientes/search-expedientes';
import { estadosDeExpediente, opcionesIniciales } from '../../domain/indexed-expediente';
import { defaultPageSize, maximumPageSize } from '../../domain/search';

const maximumTextLength = 200;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * A day (`2024-05-31`, in UTC) or an instant (`2024-05-31T10:00:00+02:00`). A day stands for
 * its first instant as `desde` and for its last one as `hasta`, so both ends are inclusive.
 */
const dateParam = (end: 'start' | 'end') =>
  z
    .string()
    .refine(
      (value) =>
        (dateOnly.test(value) || z.iso.datetime({ offset: true }).safeParse(value).success) &&
        !Number.isNaN(Date.parse(value)),
      'Debe ser una fecha (AAAA-MM-DD) o una fecha y hora ISO 8601 con zona horaria.',
    )
    .transform((value) =>
      dateOnly.test(value) && end === 'end'
        ? new Date(Date.parse(value) + dayMs - 1)
        : new Date(value),
    );

const pageNumber = (fallback: number, maximum: number) =>
  z.coerce
    .number({ error: 'Debe ser un número.' })
    .int('Debe ser un número entero.')
    .min(1, 'Debe ser 1 o más.')
    .max(maximum, `Debe ser ${maximum} como mucho.`)
    .default(fallback);

const searchParamsSchema = z
  .object({
    q: z
      .string({ error: 'Debe aparecer una sola vez.' })
      .max(maximumTextLength, `Escribe ${maximumTextLength} caracteres como mucho.`)
      .optional(),
    fase: z
      .string({ error: 'Debe aparecer una sola vez.' })
      .max(100, 'Escribe 100 caracteres como mucho.')
      .optional(),
    estado: z
      .enum(estadosDeExpediente, { error: `Debe ser ${estadosDeExpediente.join(', ')}.` })
      .optional(),
    opcionInicial: z
      .enum(opcionesIniciales, { error: `Debe ser ${opcionesIniciales.join(' o ')}.` })
      .optional(),
    desde: dateParam('start').optional(),
    hasta: dateParam('end').optional(),
    page: pageNumber(1, Number.MAX_SAFE_INTEGER),
    pageSize: pageNumber(defaultPageSize, maximumPageSize),
  })
  .refine((params) => !params.desde || !params.hasta || params.desde <= params.hasta, {
    path: ['hasta'],
    message: 'Debe ser igual o posterior a desde.',
  });

/** A form sends its empty fields as `fase=`: they mean "any". */
const withoutEmptyValues = (query: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));

/** The query string of GET /search; a ZodError (a 400 with field errors) when it is invalid. */
export function parseSearchParams(query: Record<string, unknown>): SearchExpedientesQuery {
  const { q, ...rest } = searchParamsSchema.parse(withoutEmptyValues(query));
  return { texto: q, ...rest };
}
