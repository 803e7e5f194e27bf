import { asOverTheWire } from '../../src/adapters/in-process/as-over-the-wire';

describe('An answer as it would come over the wire', () => {
  it('is JSON data as it is, not a copy', () => {
    const view = {
      id: 'exp-1',
      version: 3,
      cerrado: false,
      asignadoA: null,
      historial: [{ fase: 'INICIAL', entradaAt: '2026-12-06T10:00:00.000Z' }],
    };
    expect(asOverTheWire(view)).toBe(view);
    expect(asOverTheWire('hecho')).toBe('hecho');
  });

  it('is what JSON makes of anything else', () => {
    const at = new Date('2026-12-06T10:00:00.000Z');
    expect(asOverTheWire({ at, nota: undefined, n: Number.NaN })).toEqual({
      at: '2026-12-06T10:00:00.000Z',
      n: null,
    });
    expect(asOverTheWire([1, undefined, Infinity])).toEqual([1, null, null]);
    expect(asOverTheWire({ nested: [{ toJSON: () => 'escrito' }] })).toEqual({
      nested: ['escrito'],
    });
    expect(asOverTheWire(new Map([['a', 1]]))).toEqual({});
  });
});
