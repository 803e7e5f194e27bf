import {
  Almacen,
  borradorDe,
  Borrador,
  CLAVE_DEL_BORRADOR,
  guardarBorrador,
  leerBorrador,
  olvidarBorrador,
} from '../../src/nuevo/borrador';

/** Stands in for sessionStorage. */
class FakeStorage implements Almacen {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** A storage that refuses everything, as a disabled or full one does. */
const refusing: Almacen = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};

const campos = { codigo: 'EXP-1', opcionInicial: 'SEDE_ELECTRONICA', descripcion: 'Obra menor' };

describe('the draft of a new expediente', () => {
  it('keeps the fields and the names and sizes of the files, never their bytes', () => {
    const files = [
      new File(['%PDF-1.4 secreto'], 'a.pdf', { type: 'application/pdf' }),
      new File(['notas'], 'b.txt', { type: 'text/plain' }),
    ];
    const storage = new FakeStorage();
    guardarBorrador(borradorDe(campos, files), storage);

    const stored = storage.getItem(CLAVE_DEL_BORRADOR) ?? '';
    expect(stored).not.toContain('secreto');
    expect(leerBorrador(storage)).toEqual<Borrador>({
      ...campos,
      archivos: [
        { nombre: 'a.pdf', tamano: files[0]?.size ?? -1 },
        { nombre: 'b.txt', tamano: 5 },
      ],
    });
  });

  it('is gone once forgotten, and none is read where none was kept', () => {
    const storage = new FakeStorage();
    expect(leerBorrador(storage)).toBeNull();
    guardarBorrador(borradorDe(campos, []), storage);
    expect(leerBorrador(storage)).toEqual({ ...campos, archivos: [] });
    olvidarBorrador(storage);
    expect(leerBorrador(storage)).toBeNull();
  });

  it('ignores what is not a draft: broken JSON, another shape, files without a name', () => {
    const storage = new FakeStorage();
    storage.setItem(CLAVE_DEL_BORRADOR, '{roto');
    expect(leerBorrador(storage)).toBeNull();
    storage.setItem(CLAVE_DEL_BORRADOR, JSON.stringify({ codigo: 1, archivos: [] }));
    expect(leerBorrador(storage)).toBeNull();
    storage.setItem(CLAVE_DEL_BORRADOR, JSON.stringify({ ...campos }));
    expect(leerBorrador(storage)).toBeNull();
    storage.setItem(
      CLAVE_DEL_BORRADOR,
      JSON.stringify({
        ...campos,
        extra: 'x',
        archivos: [{ nombre: 'a.pdf', tamano: 3, bytes: 'AAA' }, { tamano: 4 }, null],
      }),
    );
    expect(leerBorrador(storage)).toEqual({
      ...campos,
      archivos: [{ nombre: 'a.pdf', tamano: 3 }],
    });
  });

  it('never fails where storage is refused: it is only lost', () => {
    expect(() => guardarBorrador(borradorDe(campos, []), refusing)).not.toThrow();
    expect(leerBorrador(refusing)).toBeNull();
    expect(() => olvidarBorrador(refusing)).not.toThrow();
  });
});
