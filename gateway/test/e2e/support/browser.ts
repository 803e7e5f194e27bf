/** A cookie as the browser keeps it, with the attributes the server gave it. */
export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly host: string;
  readonly path: string;
  /** The other attributes, lower-cased names (`httponly`, `samesite`, `secure`...). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Where a visit ended, after following the redirects, and the way there. */
export interface Visit {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
  /** Every URL the browser was sent to on the way, in order. */
  readonly redirects: readonly string[];
  json<T = any>(): T;
}

export interface VisitInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: FormData | URLSearchParams | string;
}

const defaultPath = (url: URL): string => {
  const path = url.pathname;
  return path.lastIndexOf('/') <= 0 ? '/' : path.slice(0, path.lastIndexOf('/'));
};

const pathMatches = (cookiePath: string, requestPath: string): boolean =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) &&
    (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));

/**
 * An HTTP client that behaves as a browser without JavaScript does: it keeps cookies (per host
 * and path, until they expire) and follows redirects, turning a POST answered with 302 or 303
 * into a GET.
 */
export class Browser {
  private cookies: StoredCookie[] = [];

  cookie(name: string): StoredCookie | undefined {
    return this.cookies.find((cookie) => cookie.name === name);
  }

  /** Sets a cookie by hand, as another browser holding a copied cookie would. */
  plant(cookie: StoredCookie): void {
    this.cookies = [...this.cookies.filter((each) => each.name !== cookie.name), cookie];
  }

  get(url: string, headers: Record<string, string> = {}): Promise<Visit> {
    return this.visit(url, { headers });
  }

  /** Submits the first form of a page, with its hidden fields and `fields`. */
  submit(page: Visit, fields: Record<string, string>): Promise<Visit> {
    const form = formOf(page.body, page.url);
    return this.visit(form.action, {
      method: 'POST',
      body: new URLSearchParams({ ...form.fields, ...fields }),
    });
  }

  async visit(start: string, init: VisitInit = {}): Promise<Visit> {
    let url = new URL(start);
    let request: VisitInit = init;
    const redirects: string[] = [];
    for (let hop = 0; hop < 20; hop += 1) {
      const headers = new Headers(request.headers);
      const cookies = this.cookieHeader(url);
      if (cookies) headers.set('cookie', cookies);
      const response = await fetch(url, {
        method: request.method ?? 'GET',
        headers,
        body: request.body,
        redirect: 'manual',
      });
      this.store(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        const body = await response.text();
        return {
          status: response.status,
          url: url.href,
          headers: response.headers,
          body,
          redirects,
          json: () => JSON.parse(body),
        };
      }
      await response.arrayBuffer();
      url = new URL(location, url);
      redirects.push(url.href);
      const keepsMethod = response.status === 307 || response.status === 308;
      request = keepsMethod ? request : { headers: request.headers };
    }
    throw new Error(`too many redirects from ${start}`);
  }

  private cookieHeader(url: URL): string {
    return this.cookies
      .filter((cookie) => cookie.host === url.host && pathMatches(cookie.path, url.pathname))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }

  private store(url: URL, headers: readonly string[]): void {
    for (const header of headers) {
      const [pair, ...rest] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const attributes: Record<string, string> = {};
      for (const attribute of rest) {
        const [key, ...text] = attribute.split('=');
        attributes[key.toLowerCase()] = text.join('=');
      }
      const path = attributes.path || defaultPath(url);
      const expired =
        (attributes['max-age'] !== undefined && Number(attributes['max-age']) <= 0) ||
        (attributes.expires !== undefined && new Date(attributes.expires).getTime() <= Date.now());
      this.cookies = this.cookies.filter(
        (cookie) => cookie.name !== name || cookie.path !== path || cookie.host !== url.host,
      );
      if (!expired) this.cookies.push({ name, value, host: url.host, path, attributes });
    }
  }
}

/** The action of the first form of a page, and the values of its hidden inputs. */
export function formOf(
  html: string,
  pageUrl: string,
): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in the page:\n${html}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = (value ?? '').replace(/&amp;/g, '&');
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), pageUrl).href, fields };
}
