import { OpcionInicialInvalidaError } from './errors';

/** How an expediente came in, with the name the users see. */
export const opcionesIniciales = {
  SEDE_ELECTRONICA: 'Sede electrónica',
  PETICION_DEPARTAMENTO: 'A petición departamento',
} as const;

export type OpcionInicial = keyof typeof opcionesIniciales;

export const esOpcionInicial = (valor: string): valor is OpcionInicial =>
  Object.prototype.hasOwnProperty.call(opcionesIniciales, valor);

export function opcionInicial(valor: string): OpcionInicial {
  if (!esOpcionInicial(valor)) throw new OpcionInicialInvalidaError(valor);
  return valor;
}

export const nombreDeOpcionInicial = (opcion: OpcionInicial): string => opcionesIniciales[opcion];
