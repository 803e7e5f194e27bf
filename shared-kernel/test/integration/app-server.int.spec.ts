import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import express from 'express';
import { appServer, serverFor } from '../../src/adapters/runtime';

/** Listens on a free port of this machine; the server's base URL. */
async function listening(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closed = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('appServer', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closed));
  });

  /** An app that answers what express made of the request it was handed. */
  function inspectingApp(): express.Express {
    const app = express();
    const items = express.Router();
    items.get('/:id', (req, res) => {
      res.json({ id: req.params.id, query: req.query, appOfRequest: req.app === app });
    });
    app.use('/items', items);
    return app;
  }

  it('answers with `until` until it serves the app, whose requests and responses it makes', async () => {
    const { server, serve } = appServer((_req, res) => {
      res.writeHead(503).end('starting');
    });
    servers.push(server);
    const base = await listening(server);
    const early = await fetch(`${base}/items/1`);
    expect([early.status, await early.text()]).toEqual([503, 'starting']);

    const app = inspectingApp();
    // Before express sets its prototypes (a no-op then): how the server made them.
    serve(app, {
      path: '/born',
      listener: (req, res) => {
        res.end(
          JSON.stringify([
            Object.getPrototypeOf(req) === app.request,
            Object.getPrototypeOf(res) === app.response,
          ]),
        );
      },
    });
    expect(await (await fetch(`${base}/born`)).json()).toEqual([true, true]);
    for (const id of ['1', '2']) {
      const answer = await fetch(`${base}/items/${id}?state=open`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ id, query: { state: 'open' }, appOfRequest: true });
    }
  });

  it('hands the requests under the aside path, as express mounts it, to its listener', async () => {
    const server = serverFor(inspectingApp(), {
      path: '/auth',
      listener: (req, res) => {
        res.end(`aside ${req.url}`);
      },
    });
    servers.push(server);
    const base = await listening(server);
    const answered = async (path: string) => (await fetch(`${base}${path}`)).text();

    for (const path of ['/auth', '/auth/', '/auth/token', '/AUTH/jwks', '/auth?x=1']) {
      expect(await answered(path)).toBe(`aside ${path}`);
    }
    for (const path of ['/authx', '/items/auth']) {
      expect(await answered(path)).not.toMatch(/^aside/);
    }
    expect(JSON.parse(await answered('/items/auth')).id).toBe('auth');
  });

  it('hands every request to the aside listener when its path is the root', async () => {
    const server = serverFor(inspectingApp(), {
      path: '/',
      listener: (_req, res) => {
        res.end('aside');
      },
    });
    servers.push(server);
    const base = await listening(server);
    expect(await (await fetch(`${base}/items/1`)).text()).toBe('aside');
  });
});
