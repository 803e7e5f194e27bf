import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { HttpClient } from '../src/http';

describe('HttpClient', () => {
  let server: Server;
  let url: string;
  const closedBy: string[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    // Node's default: 5 s, told to clients in the Keep-Alive header.
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      // An end that arrives from the client is the client's close; the server's own is not.
      socket.on('end', () => closedBy.push('client'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('closes an idle connection itself before the server would, so no request races its close', async () => {
    const client = new HttpClient(10_000);
    try {
      await expect(client.send('GET', url)).resolves.toMatchObject({ ok: true, status: 200 });
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      expect(closedBy).toEqual(['client']);
      await expect(client.send('GET', url)).resolves.toMatchObject({ ok: true, status: 200 });
    } finally {
      client.close();
    }
  }, 10_000);
});
