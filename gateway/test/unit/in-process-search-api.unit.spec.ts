import type { SearchEndpoints } from '@expedientes/search';
import { Actor } from '@expedientes/shared-kernel';
import { InProcessSearchApi } from '../../src/adapters/in-process/in-process-search-api';
import { InProcessService } from '../../src/adapters/in-process/in-process-service';

const ana: Actor = { userId: 'ana', roles: ['validador'] };
const call = { token: 'ana-token', correlationId: 'corr-1' };

const hit = {
  expedienteId: 'exp-1',
  codigo: 'C-1',
  descripcion: 'Licencia de obra',
  opcionInicial: 'SEDE_ELECTRONICA',
  fase: null,
  estado: 'rechazado',
  creadoPor: 'ana',
  creadoAt: '2030-01-02T03:04:05.000Z',
  actualizadoAt: '2030-01-02T03:04:05.000Z',
  documentos: [],
  score: null,
};

describe('Search called in process', () => {
  it('speaks search’s language to it and the public API’s to the gateway', async () => {
    const asked: unknown[] = [];
    const endpoints = {
      async search(query: Record<string, unknown>, caller: { actor: Actor }) {
        asked.push({ query, caller });
        return { items: [hit], total: 1, page: 1, pageSize: 20 };
      },
    } as unknown as SearchEndpoints;
    const service = new InProcessService('search', { verify: async () => ana }, 1_000, () =>
      Promise.reject(new Error('a search changes nothing: no flush')),
    );
    const api = new InProcessSearchApi(endpoints, service);
    const found = await api.search({ q: 'obra', estado: 'creacion_rechazada', page: 1 }, call);
    expect(asked).toEqual([
      {
        query: { q: 'obra', estado: 'rechazado', page: 1 },
        caller: { actor: ana, correlationId: 'corr-1' },
      },
    ]);
    expect(found.items[0]).toMatchObject({ expedienteId: 'exp-1', estado: 'creacion_rechazada' });
  });
});
