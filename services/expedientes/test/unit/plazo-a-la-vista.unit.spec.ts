import { PlazoALaVista } from '../../src/application/plazos/plazo-a-la-vista';

describe('PlazoALaVista', () => {
  // 23:30 UTC on 3 December is already the 4th in Madrid.
  const plazos = new PlazoALaVista(() => new Date('2026-12-03T23:30:00Z'), 'Europe/Madrid', 3);

  it('shows the last day with where it stands today, in the administration’s time zone', () => {
    expect(plazos.mostrar({ id: 'exp-1', vencimiento: '2026-12-03' })).toEqual({
      id: 'exp-1',
      plazo: { vencimiento: '2026-12-03', estado: 'vencido' },
    });
    expect(plazos.mostrar({ id: 'exp-1', vencimiento: '2026-12-06' }).plazo?.estado).toBe(
      'proximo',
    );
    expect(plazos.mostrar({ id: 'exp-1', vencimiento: '2026-12-07' }).plazo?.estado).toBe(
      'en-plazo',
    );
  });

  it('shows a view of an earlier instant as its plazo stood then', () => {
    const then = new Date('2026-11-20T10:00:00Z');
    expect(plazos.mostrar({ vencimiento: '2026-12-03' }, then).plazo?.estado).toBe('en-plazo');
  });

  it('shows no plazo for a phase without one', () => {
    expect(plazos.mostrar({ id: 'exp-1', vencimiento: null })).toEqual({
      id: 'exp-1',
      plazo: null,
    });
  });

  it('shows a page of views on one day, read from the clock once', () => {
    const clock = jest.fn(() => new Date('2026-12-03T23:30:00Z'));
    const pagina = new PlazoALaVista(clock, 'Europe/Madrid', 3).mostrarTodas([
      { id: 'exp-1', vencimiento: '2026-12-03' },
      { id: 'exp-2', vencimiento: null },
      { id: 'exp-3', vencimiento: '2026-12-07' },
    ]);
    expect(pagina).toEqual([
      { id: 'exp-1', plazo: { vencimiento: '2026-12-03', estado: 'vencido' } },
      { id: 'exp-2', plazo: null },
      { id: 'exp-3', plazo: { vencimiento: '2026-12-07', estado: 'en-plazo' } },
    ]);
    expect(clock).toHaveBeenCalledTimes(1);
  });
});
