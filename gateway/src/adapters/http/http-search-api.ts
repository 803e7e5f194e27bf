import { z } from 'zod';
import { EstadoDeExpediente } from '../../model/common';
import { resultadoDeBusqueda } from '../../model/search';
import { CallContext } from '../../ports/caller';
import { CriteriosDeBusqueda, SearchApi } from '../../ports/search-api';
import { ServiceClient } from './service-client';

/**
 * search names a rejected creation `rechazado`; the rest of the API, as expedientes does,
 * `creacion_rechazada`. Translated here, both ways, so the public API speaks one language.
 */
const estadoEnBusqueda = (estado: EstadoDeExpediente): string =>
  estado === 'creacion_rechazada' ? 'rechazado' : estado;

const respuesta = z.object({
  ...resultadoDeBusqueda.shape,
  items: z.array(
    z.object({
      ...resultadoDeBusqueda.shape.items.element.shape,
      estado: z
        .enum(['pendiente', 'abierto', 'finalizado', 'rechazado'])
        .transform((estado) => (estado === 'rechazado' ? 'creacion_rechazada' : estado)),
    }),
  ),
});

/** search's internal API: full-text search over the expedientes. */
export class HttpSearchApi implements SearchApi {
  constructor(private readonly client: ServiceClient) {}

  async search(criterios: CriteriosDeBusqueda, call: CallContext) {
    const query = {
      ...criterios,
      estado: criterios.estado === undefined ? undefined : estadoEnBusqueda(criterios.estado),
    };
    const reply = await this.client.send('/search', { query }, call);
    return this.client.parse(respuesta, reply.json);
  }
}
