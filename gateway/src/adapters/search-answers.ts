import { z } from 'zod';
import { EstadoDeExpediente } from '../model/common';
import { resultadoDeBusqueda } from '../model/search';
import { CriteriosDeBusqueda } from '../ports/search-api';

/**
 * search names a rejected creation `rechazado`; the rest of the API, as expedientes does,
 * `creacion_rechazada`. Translated here, both ways, so the public API speaks one language.
 */
const estadoEnBusqueda = (estado: EstadoDeExpediente): string =>
  estado === 'creacion_rechazada' ? 'rechazado' : estado;

/** search's answer, read in the public API's language. */
export const searchAnswer = z.object({
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

/** The criteria as search's query string takes them. */
export const searchQuery = (criterios: CriteriosDeBusqueda) => ({
  ...criterios,
  estado: criterios.estado === undefined ? undefined : estadoEnBusqueda(criterios.estado),
});
