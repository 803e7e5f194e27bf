import { EstadoDelPlazo } from '../../src/api/types';
import { toDdMmAaaa } from '../../src/format';
import { t } from '../../src/i18n';
import { avisoDelPlazo } from '../../src/plazo';

describe("how a phase's plazo is flagged", () => {
  it('says in words when it is near, and when it is past, not by colour alone', () => {
    const proximo = avisoDelPlazo('proximo');
    expect(proximo && [t(proximo.texto), proximo.clase]).toEqual(['Vence pronto', 'badge']);
    const vencido = avisoDelPlazo('vencido');
    expect(vencido && [t(vencido.texto), vencido.clase]).toEqual([
      'Vencido',
      'badge badge--danger',
    ]);
  });

  it('flags nothing in time, nor a state it does not know', () => {
    expect(avisoDelPlazo('en-plazo')).toBeNull();
    expect(avisoDelPlazo('suspendido' as EstadoDelPlazo)).toBeNull();
    expect(avisoDelPlazo('toString' as EstadoDelPlazo)).toBeNull();
  });

  it('writes its last day as the calendar day it is, whatever the time zone', () => {
    // A day, not an instant: read through Date at UTC midnight it would be the 20th in America.
    expect(toDdMmAaaa('2026-12-21')).toBe('21/12/2026');
    expect(toDdMmAaaa('2027-01-01')).toBe('01/01/2027');
  });
});
