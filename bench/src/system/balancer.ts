import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP load balancer in front of a service's replicas, as a Kubernetes Service with
 * readiness is to its pods: each connection goes to the next replica in turn, and to the one
 * after when that one does not accept (a replica killed or restarting is out of rotation).
 * What the client sent meanwhile waits; a connection no replica accepts is closed.
 */
export class Balancer {
  private next = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly backends: readonly number[],
  ) {}

  static async start(backends: readonly number[], port = 0): Promise<Balancer> {
    const server = createServer();
    const balancer = new Balancer(server, backends);
    server.on('connection', (client) => balancer.route(client));
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => done());
    });
    return balancer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((done) => this.server.close(done));
  }

  private route(client: Socket): void {
    this.track(client);
    client.pause();
    const first = this.next++ % this.backends.length;
    const attempt = (tried: number): void => {
      if (tried === this.backends.length || client.destroyed) {
        client.destroy();
        return;
      }
      const port = this.backends[(first + tried) % this.backends.length] as number;
      const upstream = createConnection({ host: '127.0.0.1', port });
      upstream.once('error', () => attempt(tried + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        this.track(upstream);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
