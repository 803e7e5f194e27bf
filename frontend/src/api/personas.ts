import { computed, ComputedRef, ref } from 'vue';
import { request } from './http';

/** Someone who signs in, as GET /people gives them. */
export interface Persona {
  readonly username: string;
  readonly nombre: string;
}

/** Who is who: each username's name, once the directory has come. */
const nombres = ref<ReadonlyMap<string, string>>(new Map());
let pedido: Promise<void> | undefined;

/**
 * The directory (GET /people), asked once per page load. Without it (a platform without an
 * authorization server answers 404; any failure) people are shown by their username, as is
 * whoever is not in it (a machine client): nothing is said.
 */
export function cargarPersonas(): Promise<void> {
  pedido ??= request<{ personas: readonly Persona[] }>('/people').then(
    ({ data }) => {
      nombres.value = new Map(data.personas.map((persona) => [persona.username, persona.nombre]));
    },
    () => undefined,
  );
  return pedido;
}

const porNombre = new Intl.Collator('es-ES');

/**
 * The name of each username (null while, or when, the directory does not know it), and
 * everyone the directory knows, by name.
 */
export function usePersonas(): {
  nombreDe: (username: string) => string | null;
  personas: ComputedRef<readonly Persona[]>;
} {
  void cargarPersonas();
  return {
    nombreDe: (username) => nombres.value.get(username) ?? null,
    personas: computed(() =>
      [...nombres.value]
        .map(([username, nombre]) => ({ username, nombre }))
        .sort((a, b) => porNombre.compare(a.nombre, b.nombre)),
    ),
  };
}
