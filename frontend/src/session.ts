import { computed, readonly, ref } from 'vue';
import { getMe } from './api/expedientes';
import { rememberCsrfToken } from './api/session-token';
import { UsuarioActual } from './api/types';

const usuario = ref<UsuarioActual | null>(null);

/** Who is signed in (GET /me; a 401 there leads to the login). */
export async function loadSession(): Promise<UsuarioActual> {
  const me = await getMe();
  rememberCsrfToken(me.csrfToken);
  usuario.value = me;
  return me;
}

const TRAMITAN = ['tramitador', 'admin'];

export function useSession() {
  return {
    usuario: readonly(usuario),
    /** The largest file the platform takes, once the session says it. */
    tamanoMaximoDeArchivo: computed(() => usuario.value?.limites?.tamanoMaximoDeArchivo),
    /** Opens expedientes, edits them and adds documents. */
    puedeTramitar: computed(
      () => usuario.value?.roles.some((rol) => TRAMITAN.includes(rol)) ?? false,
    ),
    /** Manages the users. */
    esAdministrador: computed(() => usuario.value?.roles.includes('admin') ?? false),
  };
}
