import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MessageBus, silentLogger } from '@expedientes/shared-kernel';
import {
  createServiceHttpApp,
  JwtIdentityVerifier,
  ServiceMetrics,
} from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import {
  createExpedientesService,
  ExpedientesInfrastructure,
  ExpedientesModule,
} from '../../src/composition-root';
import { ExpedientesSettings } from '../../src/infrastructure/config';
import { BusParticipants } from './bus-participants';

export const testSettings: ExpedientesSettings = {
  sagaStepTimeoutMs: 20_000,
  sagaResponseWaitMs: 5_000,
  sagaTimeoutCheckIntervalMs: 200,
  zonaHoraria: 'Europe/Madrid',
  avisoDePlazoDias: 3,
  rebuildHeldExpedientes: 20_000,
};

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

type Role = 'tramitador' | 'validador' | 'admin';

/**
 * The expedientes module running behind its HTTP app with real tokens, with documents and bpm
 * played on the bus. `restart` stops the module and builds a new one on the same stores.
 */
export class ServiceHarness {
  private readonly signed = new Map<string, Promise<string>>();

  private constructor(
    readonly bus: MessageBus,
    readonly participants: BusParticipants,
    private readonly infrastructure: ExpedientesInfrastructure,
    private readonly settings: ExpedientesSettings,
    private readonly tokens: TestTokenIssuer,
    private running: { module: ExpedientesModule; server: Server; baseUrl: string },
  ) {}

  static async start(
    infrastructure: ExpedientesInfrastructure,
    options: { settings?: ExpedientesSettings } = {},
  ): Promise<ServiceHarness> {
    const tokens = await TestTokenIssuer.create();
    const settings = options.settings ?? testSettings;
    const participants = await BusParticipants.start(infrastructure.bus);
    const running = await ServiceHarness.run(infrastructure, settings, tokens);
    return new ServiceHarness(
      infrastructure.bus,
      participants,
      infrastructure,
      settings,
      tokens,
      running,
    );
  }

  get module(): ExpedientesModule {
    return this.running.module;
  }

  get baseUrl(): string {
    return this.running.baseUrl;
  }

  async request(
    method: string,
    path: string,
    options: {
      as?: Role | null;
      user?: string;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<HttpAnswer> {
    const role = options.as === undefined ? 'tramitador' : options.as;
    const headers: Record<string, string> = { ...options.headers };
    if (role)
      headers.authorization = `Bearer ${await this.tokenOf(options.user ?? `${role}-1`, role)}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    };
  }

  /** Signed once per user: requests fired together then reach the service together. */
  private tokenOf(userId: string, role: Role): Promise<string> {
    const key = `${userId}/${role}`;
    let token = this.signed.get(key);
    if (!token) {
      token = this.tokens.token({ userId, roles: [role] });
      this.signed.set(key, token);
    }
    return token;
  }

  /** The process stops (in-flight work finishes) and a new one starts on the same stores. */
  async restart(beforeStart: () => Promise<void> = async () => undefined): Promise<void> {
    await this.stopModule();
    await beforeStart();
    this.running = await ServiceHarness.run(this.infrastructure, this.settings, this.tokens);
  }

  async stop(): Promise<void> {
    await this.participants.stop();
    await this.stopModule();
  }

  private async stopModule(): Promise<void> {
    const { server, module } = this.running;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await module.stop();
  }

  private static async run(
    infrastructure: ExpedientesInfrastructure,
    settings: ExpedientesSettings,
    tokens: TestTokenIssuer,
  ): Promise<{ module: ExpedientesModule; server: Server; baseUrl: string }> {
    const metrics = new ServiceMetrics('expedientes');
    const module = await createExpedientesService(
      infrastructure,
      { logger: silentLogger, metrics },
      settings,
    );
    await module.start();
    const app = createServiceHttpApp({
      service: module.name,
      logger: silentLogger,
      metrics,
      readiness: module.readiness,
      identity: new JwtIdentityVerifier({
        issuer: tokens.issuer,
        audience: tokens.audience,
        keys: tokens.jwks,
      }),
      api: module.api,
    });
    const server = app.listen(0);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return { module, server, baseUrl: `http://127.0.0.1:${port}` };
  }
}
