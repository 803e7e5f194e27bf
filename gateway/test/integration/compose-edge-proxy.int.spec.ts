import { createSocket, Socket } from 'node:dgram';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { NginxServer, localServerBlock } from '../e2e/support/nginx-server';
import { describeWithPrograms } from '@expedientes/shared-kernel/testing';

/** The loopback addresses the stand-in DNS gives for `gateway`: one per replica. */
const REPLICAS = ['127.0.0.2', '127.0.0.3'];

/**
 * Docker's DNS, as far as the edge proxy asks it: `gateway` has an A record per replica,
 * any other name none.
 */
async function standInDns(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (query, from) => {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] > 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString());
      offset += query[offset] + 1;
    }
    const type = query.readUInt16BE(offset + 1);
    const question = query.subarray(12, offset + 5);
    const addresses = labels.join('.') === 'gateway' && type === 1 ? REPLICAS : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // the query's id
    header.writeUInt16BE(addresses.length > 0 ? 0x8180 : 0x8183, 2); // answer, or no such name
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name of the question
      record.writeUInt16BE(1, 2); // A
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(1, 6); // TTL
      record.writeUInt16BE(4, 10);
      address.split('.').forEach((byte, index) => (record[12 + index] = Number(byte)));
      return record;
    });
    socket.send(Buffer.concat([header, question, ...answers]), from.port, from.address);
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return { socket, port: socket.address().port };
}

interface Seen {
  readonly replica: string;
  readonly method: string;
  readonly bytes: number;
  readonly headers: IncomingHttpHeaders;
}

/** A gateway replica stand-in: answers what it received; `/events` opens a stream. */
function standInReplica(address: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/api/v1/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: expediente\ndata: {"n":1}\n\n');
      request.on('close', () => response.end());
      return;
    }
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      const seen: Seen = {
        replica: address,
        method: request.method ?? '',
        bytes,
        headers: request.headers,
      };
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(seen));
    });
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, address, () => done(server));
  });
}

const close = (server: Server): Promise<void> =>
  new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

describeWithPrograms(
  ['nginx'],
  "docker compose's edge proxy (scripts/deploy/edge-nginx.conf)",
  () => {
    let dns: { socket: Socket; port: number };
    let replicas: Server[];
    let edge: NginxServer;

    const call = async (path: string, init?: RequestInit): Promise<Seen> => {
      const response = await fetch(`${edge.url}${path}`, init);
      expect(response.status).toBe(200);
      return (await response.json()) as Seen;
    };

    beforeAll(async () => {
      dns = await standInDns();
      // One port on both addresses, as every replica of a compose service listens on 8080.
      const first = await standInReplica(REPLICAS[0], 0);
      const { port } = first.address() as AddressInfo;
      replicas = [first, await standInReplica(REPLICAS[1], port)];
      edge = new NginxServer(
        (edgePort) =>
          localServerBlock('scripts/deploy/edge-nginx.conf', edgePort, [
            [/resolver 127\.0\.0\.11 /, `resolver 127.0.0.1:${dns.port} `],
            [/http:\/\/gateway:8080/, `http://gateway:${port}`],
          ]),
        '/edge-healthz',
      );
      await edge.start();
    });

    afterAll(async () => {
      await edge?.stop();
      await Promise.all((replicas ?? []).map(close));
      dns?.socket.close();
    });

    it('spreads requests over every replica, telling each who the client is', async () => {
      // nginx starts each request at a random one of the addresses: 40 leave no replica out
      // but once in 2^39 runs.
      const seen = [];
      for (let i = 0; i < 40; i++) seen.push(await call('/api/v1/expedientes'));
      expect(new Set(seen.map((each) => each.replica))).toEqual(new Set(REPLICAS));
      expect(seen[0].headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(seen[0].headers['x-forwarded-proto']).toBe('http');
      expect(seen[0].headers.host).toBe(new URL(edge.url).host);
    });

    it('passes an upload larger than nginx lets through by default (1 MB) whole', async () => {
      const body = Buffer.alloc(3 * 1024 * 1024, 7);
      const seen = await call('/api/v1/expedientes', { method: 'POST', body });
      expect(seen).toMatchObject({ method: 'POST', bytes: body.length });
    });

    it('hands on each event of the live-update stream as it comes, not when the stream ends', async () => {
      const aborted = new AbortController();
      const response = await fetch(`${edge.url}/api/v1/events`, { signal: aborted.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let timer: NodeJS.Timeout | undefined;
      const first = await Promise.race([
        reader.read(),
        new Promise<never>((_, fail) => {
          timer = setTimeout(() => fail(new Error('held back')), 5_000);
        }),
      ]).finally(() => clearTimeout(timer));
      expect(Buffer.from(first.value ?? []).toString()).toContain('event: expediente');
      aborted.abort();
    });

    it('leaves a request to the other replica while one is down, POST included', async () => {
      await close(replicas[1]);
      for (const method of ['GET', 'POST', 'GET', 'POST']) {
        const seen = await call('/api/v1/expedientes', {
          method,
          body: method === 'POST' ? '{}' : undefined,
        });
        expect(seen.replica).toBe(REPLICAS[0]);
      }
    });
  },
);
