import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ESTADOS, FASES, OPCIONES_INICIALES } from '../../src/api/types';
import { MessageKey, t, tOr } from '../../src/i18n';
import { es } from '../../src/i18n/es';

/** Every "a.b" leaf of a messages object, with its text. */
const leaves = (node: object, prefix = ''): Array<[string, unknown]> =>
  Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? leaves(value, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]],
  );

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|vue)$/.test(name) ? [path] : [];
  });

describe('the Spanish messages', () => {
  it('are all non-empty texts', () => {
    for (const [key, value] of leaves(es)) {
      expect([key, typeof value]).toEqual([key, 'string']);
      expect((value as string).trim()).not.toBe('');
    }
  });

  it('name every initial option, state and phase the UI offers', () => {
    for (const opcion of OPCIONES_INICIALES) expect(tOr('opcionInicial', opcion, '')).not.toBe('');
    for (const estado of ESTADOS) expect(tOr('estado', estado, '')).not.toBe('');
    for (const fase of FASES) expect(tOr('fase', fase, '')).not.toBe('');
    expect(tOr('estado', 'desconocido', 'desconocido')).toBe('desconocido');
  });

  it('have every key the sources ask for', () => {
    const known = new Set(leaves(es).map(([key]) => key));
    const asked = sources(join(__dirname, '../../src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)].map((match) => match[1]),
    );
    expect(asked.length).toBeGreaterThan(50);
    expect(asked.filter((key) => !known.has(key as string))).toEqual([]);
  });

  it('fill in their placeholders', () => {
    expect(t('lista.pagina', { pagina: 2, paginas: 5 })).toBe('Página 2 de 5');
    expect(t('detalle.descargar', { nombre: 'a.pdf' })).toBe('Descargar a.pdf');
    expect(t('lista.pagina' as MessageKey)).toBe('Página {pagina} de {paginas}');
  });
});
