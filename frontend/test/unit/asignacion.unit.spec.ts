import { accionesDeAsignacion } from '../../src/asignacion';

describe("what a user may do with an expediente's assignment", () => {
  it('takes or gives one that nobody has, whoever the user is', () => {
    expect(accionesDeAsignacion(null, 'teresa', false)).toEqual({
      asignarmelo: true,
      liberar: false,
      asignarA: true,
      loTieneOtro: null,
    });
  });

  it("releases or passes on the user's own, which is not taken again", () => {
    expect(accionesDeAsignacion('teresa', 'teresa', false)).toEqual({
      asignarmelo: false,
      liberar: true,
      asignarA: true,
      loTieneOtro: null,
    });
  });

  it("leaves someone else's alone, and says who has it", () => {
    expect(accionesDeAsignacion('teresa', 'tomas', false)).toEqual({
      asignarmelo: false,
      liberar: false,
      asignarA: false,
      loTieneOtro: 'teresa',
    });
  });

  it("lets an administrator take, release or pass on someone else's", () => {
    expect(accionesDeAsignacion('teresa', 'ada', true)).toEqual({
      asignarmelo: true,
      liberar: true,
      asignarA: true,
      loTieneOtro: null,
    });
    expect(accionesDeAsignacion('ada', 'ada', true).asignarmelo).toBe(false);
  });
});
