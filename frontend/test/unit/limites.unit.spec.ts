import { porTamano } from '../../src/api/limites';

const archivo = (nombre: string, bytes: number): File =>
  new File([new Uint8Array(bytes)], nombre, { type: 'application/pdf' });

describe('files checked against the platform limit before sending', () => {
  it('keeps those up to the limit, and says why each other one is left out', () => {
    const { aceptados, avisos } = porTamano(
      [archivo('justo.pdf', 1024), archivo('grande.pdf', 3000), archivo('pequeño.pdf', 10)],
      1024,
    );
    expect(aceptados.map((each) => each.name)).toEqual(['justo.pdf', 'pequeño.pdf']);
    expect(avisos).toEqual([
      '«grande.pdf» (2,9 KB) supera el máximo de 1 KB por archivo: no se envía',
    ]);
  });

  it('lets everything through while the limit is not known', () => {
    const files = [archivo('a.pdf', 5_000_000)];
    expect(porTamano(files, undefined)).toEqual({ aceptados: files, avisos: [] });
  });
});
