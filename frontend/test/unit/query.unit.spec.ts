import {
  apiRequestOf,
  filtrosActivos,
  filtrosFromQuery,
  pageCount,
  PAGE_SIZE,
  queryFromFiltros,
  SIN_FILTROS,
} from '../../src/list/query';

describe('the list keeps its filters in the URL', () => {
  it('reads the filters from the query, leaving out what is malformed', () => {
    expect(
      filtrosFromQuery({
        q: ' licencia ',
        fase: 'VALIDACION',
        estado: ['abierto', 'finalizado'],
        desde: '2025-01-01',
        hasta: 'ayer',
        orden: 'codigo',
        page: '3',
      }),
    ).toEqual({
      ...SIN_FILTROS,
      q: 'licencia',
      fase: 'VALIDACION',
      estado: 'abierto',
      desde: '2025-01-01',
      orden: 'codigo',
      page: 3,
    });
    expect(filtrosFromQuery({ orden: 'alfabetico', page: '-2' })).toEqual(SIN_FILTROS);
    expect(filtrosFromQuery({ page: '1.5', opcionInicial: null })).toEqual(SIN_FILTROS);
  });

  it('writes only what differs from no filter, and reads it back the same', () => {
    expect(queryFromFiltros(SIN_FILTROS)).toEqual({});
    const filtros = { ...SIN_FILTROS, fase: 'INICIAL', orden: 'antiguo' as const, page: 2 };
    const query = queryFromFiltros(filtros);
    expect(query).toEqual({ fase: 'INICIAL', orden: 'antiguo', page: '2' });
    expect(filtrosFromQuery(query)).toEqual(filtros);
  });

  it('asks the list for filters, sort and page', () => {
    const filtros = {
      ...SIN_FILTROS,
      estado: 'abierto',
      opcionInicial: 'SEDE_ELECTRONICA',
      hasta: '2025-02-01',
      orden: 'codigo-desc' as const,
      page: 4,
    };
    expect(apiRequestOf(filtros, 'teresa')).toEqual({
      path: '/expedientes',
      query: {
        page: '4',
        pageSize: String(PAGE_SIZE),
        estado: 'abierto',
        opcionInicial: 'SEDE_ELECTRONICA',
        hasta: '2025-02-01',
        sort: 'codigo',
        order: 'desc',
      },
    });
    expect(apiRequestOf(SIN_FILTROS, 'teresa').query).toMatchObject({
      sort: 'creadoAt',
      order: 'desc',
    });
  });

  it('sorts by the plazo that ends soonest, kept in the URL', () => {
    const filtros = filtrosFromQuery({ orden: 'vencimiento' });
    expect(filtros).toEqual({ ...SIN_FILTROS, orden: 'vencimiento' });
    expect(apiRequestOf(filtros, 'teresa').query).toMatchObject({
      sort: 'vencimiento',
      order: 'asc',
    });
  });

  it('searches the full text, by relevance, when there is text', () => {
    expect(apiRequestOf({ ...SIN_FILTROS, q: 'obra menor', fase: 'INICIAL' }, 'teresa')).toEqual({
      path: '/search',
      query: { q: 'obra menor', page: '1', pageSize: String(PAGE_SIZE), fase: 'INICIAL' },
    });
  });

  it("asks the list for the user's own or nobody's, kept in the URL", () => {
    const mios = filtrosFromQuery({ asignado: 'mios' });
    expect(mios).toEqual({ ...SIN_FILTROS, asignado: 'mios' });
    expect(queryFromFiltros(mios)).toEqual({ asignado: 'mios' });
    expect(filtrosFromQuery({ asignado: 'de-otro' })).toEqual(SIN_FILTROS);
    expect(apiRequestOf(mios, 'teresa').query).toMatchObject({ asignadoA: 'teresa' });
    expect(apiRequestOf(mios, 'teresa').query).not.toHaveProperty('sinAsignar');
    const deNadie = { ...SIN_FILTROS, asignado: 'sinAsignar' as const };
    expect(apiRequestOf(deNadie, 'teresa').query).toMatchObject({ sinAsignar: 'true' });
    expect(apiRequestOf(deNadie, 'teresa').query).not.toHaveProperty('asignadoA');
    expect(apiRequestOf(SIN_FILTROS, 'teresa').query).not.toHaveProperty('asignadoA');
    // The search index does not know who has one: with text, the list's own q.
    expect(apiRequestOf({ ...mios, q: 'obra' }, 'teresa')).toEqual({
      path: '/expedientes',
      query: expect.objectContaining({ q: 'obra', asignadoA: 'teresa', sort: 'creadoAt' }),
    });
  });

  it('counts the filters in use that narrow the list', () => {
    expect(filtrosActivos(SIN_FILTROS)).toBe(0);
    expect(
      filtrosActivos({
        ...SIN_FILTROS,
        q: 'obra',
        fase: 'INICIAL',
        desde: '2026-01-01',
        asignado: 'mios',
        orden: 'codigo',
        page: 3,
      }),
    ).toBe(3);
  });

  it('counts at least one page', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(PAGE_SIZE)).toBe(1);
    expect(pageCount(PAGE_SIZE + 1)).toBe(2);
  });
});
