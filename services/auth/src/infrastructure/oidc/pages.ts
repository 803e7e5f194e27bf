import { LONGITUD_MINIMA_CONTRASENA } from '../../domain/usuario';

/**
 * The authorization server's own pages, in Spanish: plain HTML forms that work without
 * JavaScript. Every value put into them goes through `escape`.
 */

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (character) => entities[character]);

const style = `
  body { font-family: system-ui, sans-serif; background: #f3f4f6; color: #111827; margin: 0; }
  main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 2rem;
         border-radius: .5rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem;
          border: 1px solid #9ca3af; border-radius: .25rem; }
  button { margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; border: 0;
           border-radius: .25rem; background: #1d4ed8; color: #fff; cursor: pointer; }
  button.secundario { background: #e5e7eb; color: #111827; margin-top: .5rem; }
  .error { background: #fee2e2; color: #991b1b; padding: .75rem; border-radius: .25rem; }
  a { color: #1d4ed8; }
`;

/** The whole page around `content`. */
export const page = (title: string, content: string): string => `<!DOCTYPE html>
<html lang="es">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)} · Expedientes</title>
  <style>${style}</style>
</head>
<body>
  <main>
${content}
  </main>
</body>
</html>`;

export interface LoginPage {
  /** Where the form posts: the interaction's own URL, which only its cookies open. */
  readonly action: string;
  readonly abort: string;
  readonly username?: string;
  readonly error?: string;
}

export const loginPage = ({ action, abort, username, error }: LoginPage): string =>
  page(
    'Acceso',
    `    <h1>Acceso a Expedientes</h1>
    ${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="${escape(action)}" autocomplete="on">
      <label for="username">Usuario</label>
      <input id="username" name="username" type="text" required autocapitalize="none"
             autocomplete="username" value="${escape(username)}"${username ? '' : ' autofocus'}>
      <label for="password">Contraseña</label>
      <input id="password" name="password" type="password" required
             autocomplete="current-password"${username ? ' autofocus' : ''}>
      <button type="submit">Entrar</button>
    </form>
    <p><a href="${escape(abort)}">Cancelar</a></p>`,
  );

export interface ChangePasswordPage {
  /** Where the form posts: the interaction's own URL, as for the login form. */
  readonly action: string;
  readonly abort: string;
  readonly username: string;
  readonly error?: string;
}

/**
 * For a user who signed in with a provisional password: they give it again (the page keeps
 * no password), with the new one twice. The username goes along hidden, so password managers
 * store the new password under it.
 */
export const changePasswordPage = ({
  action,
  abort,
  username,
  error,
}: ChangePasswordPage): string =>
  page(
    'Contraseña nueva',
    `    <h1>Elija una contraseña nueva</h1>
    <p>Un administrador le ha dado una contraseña provisional. Para entrar, escríbala y elija
       otra que solo usted conozca, de al menos ${LONGITUD_MINIMA_CONTRASENA} caracteres.</p>
    ${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="${escape(action)}" autocomplete="on">
      <input name="username" type="hidden" autocomplete="username" value="${escape(username)}">
      <p>Usuario: <strong>${escape(username)}</strong></p>
      <label for="password">Contraseña provisional</label>
      <input id="password" name="password" type="password" required
             autocomplete="current-password" autofocus>
      <label for="newPassword">Contraseña nueva</label>
      <input id="newPassword" name="newPassword" type="password" required
             minlength="${LONGITUD_MINIMA_CONTRASENA}" autocomplete="new-password">
      <label for="newPasswordAgain">Repita la contraseña nueva</label>
      <input id="newPasswordAgain" name="newPasswordAgain" type="password" required
             minlength="${LONGITUD_MINIMA_CONTRASENA}" autocomplete="new-password">
      <button type="submit">Cambiar la contraseña y entrar</button>
    </form>
    <p><a href="${escape(abort)}">Cancelar</a></p>`,
  );

/** The provider's errors (OAuth 2.0 codes) in the users' words. */
const explanations: Record<string, string> = {
  invalid_client: 'La aplicación que pide el acceso no está registrada.',
  invalid_request: 'La petición de acceso no es válida.',
  invalid_redirect_uri: 'La aplicación que pide el acceso no está registrada con esa dirección.',
  invalid_scope: 'La aplicación pide permisos que no existen.',
  invalid_target: 'La aplicación pide acceso a un servicio que no existe.',
  access_denied: 'Se ha denegado el acceso.',
  unauthorized_client: 'La aplicación no puede pedir el acceso de esta forma.',
  unsupported_response_type: 'La aplicación no puede pedir el acceso de esta forma.',
  invalid_grant: 'El permiso de acceso no es válido o ha caducado.',
  login_required: 'Hay que identificarse de nuevo.',
  server_error: 'Algo ha fallado por nuestra parte; ya ha quedado registrado.',
};

/** A provider error page: what happened in plain Spanish, and the code for the technicians. */
export const providerErrorPage = (error: string, description?: string): string =>
  page(
    'Error',
    `    <h1>No se ha podido completar el acceso</h1>
    <p>${escape(explanations[error] ?? 'La petición de acceso no se ha podido atender.')}</p>
    <p><small>${escape(description ? `${error}: ${description}` : error)}</small></p>`,
  );

export const errorPage = (message: string): string =>
  page('Error', `    <h1>No se ha podido completar el acceso</h1>\n    <p>${escape(message)}</p>`);

/**
 * `form` is the provider's own hidden form, with its anti-forgery token. `automatic`: the
 * platform itself asked, for a user who clicked 'Cerrar sesión' there (its request carried the
 * ID token): the page answers yes at once, so one click ends both sessions; without scripts,
 * the question stays.
 */
export const logoutPage = (form: string, automatic: boolean): string =>
  page(
    'Cerrar sesión',
    `    <h1>¿Quiere cerrar la sesión?</h1>
    ${form}
    <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>
      Sí, cerrar la sesión</button>
    <button type="submit" form="op.logoutForm" class="secundario">No, seguir conectado</button>${
      automatic
        ? `
    <script>
      (function () {
        var form = document.getElementById('op.logoutForm');
        var yes = document.createElement('input');
        yes.type = 'hidden';
        yes.name = 'logout';
        yes.value = 'yes';
        form.appendChild(yes);
        form.submit();
      })();
    </script>`
        : ''
    }`,
  );

export const loggedOutPage = (): string =>
  page(
    'Sesión cerrada',
    '    <h1>Ha cerrado la sesión</h1>\n    <p>Ya puede cerrar esta ventana.</p>',
  );
