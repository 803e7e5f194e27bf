import { randomBytes, randomUUID } from 'node:crypto';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServers, TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { ServiceName } from './support/platform-client';
import { eventually, freePort, serveJwks, serviceMain, ServiceProcess } from './support/processes';
import { expedienteLifeScenario, PlatformUnderTest } from './support/scenario';
import { scenarioUsers } from './support/users';

const services: readonly ServiceName[] = ['documents', 'bpm', 'search', 'expedientes'];

describeWithServers(
  ['kafka', 'mysql', 'mongodb'],
  'The four services as separate processes',
  (servers) => {
    const run = randomUUID().replace(/-/g, '').slice(0, 10);
    const database = (server: string, name: string): string => {
      const url = new URL(server);
      url.pathname = `/e2e_${run}_${name}`;
      return url.toString();
    };
    let platform: PlatformUnderTest;
    let processes: Record<ServiceName, ServiceProcess>;
    let closeJwks: () => Promise<void>;
    const mysqlDatabases = () =>
      ['bpm', 'search', 'expedientes'].map((name) => database(servers.mysql(), name));

    beforeAll(async () => {
      const issuer = await TestTokenIssuer.create();
      const jwks = await serveJwks(issuer.jwks);
      closeJwks = jwks.close;
      await Promise.all(mysqlDatabases().map((url) => MysqlDatabase.ensureDatabase(url)));
      const common = {
        KAFKA_BROKERS: servers.kafka(),
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
        AUTH_JWKS_URL: jwks.url,
      };
      const env: Record<ServiceName, Record<string, string>> = {
        documents: { ...common, MONGODB_URL: database(servers.mongodb(), 'documents') },
        bpm: { ...common, MYSQL_URL: database(servers.mysql(), 'bpm') },
        search: { ...common, MYSQL_URL: database(servers.mysql(), 'search') },
        expedientes: {
          ...common,
          EVENT_STORE: 'mysql',
          MYSQL_URL: database(servers.mysql(), 'expedientes'),
          MONGODB_URL: database(servers.mongodb(), 'expedientes'),
          SAGA_RESPONSE_WAIT_MS: '8000',
          // Longer than a restart plus a consumer-group failover, so the crash test's saga waits.
          SAGA_STEP_TIMEOUT_MS: '60000',
        },
      };
      const entries = await Promise.all(
        services.map(
          async (name) =>
            [
              name,
              new ServiceProcess(name, serviceMain(name), await freePort(), env[name]),
            ] as const,
        ),
      );
      processes = Object.fromEntries(entries) as Record<ServiceName, ServiceProcess>;
      await Promise.all(services.map((name) => processes[name].start()));
      const urls = (service: ServiceName) => processes[service].url;
      platform = { urls, users: await scenarioUsers(issuer, urls) };
    }, 180_000);

    afterAll(async () => {
      await Promise.all(services.map((name) => processes?.[name]?.stop()));
      await Promise.all(mysqlDatabases().map((url) => MysqlDatabase.dropDatabase(url)));
      await closeJwks?.();
    }, 60_000);

    describe('an expediente from opening to Finalizado', () => {
      expedienteLifeScenario(() => platform);
    });

    it('finishes an OpenExpediente saga after expedientes is killed in its middle', async () => {
      const { tramitador } = platform.users;
      const upload = await tramitador.upload(
        'solicitud.pdf',
        Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1024)]),
      );
      const documentId = upload.body.id ?? upload.body.documentId;
      const codigo = `CRASH-${run}`;

      // bpm is down, so the saga waits for its StartProcess reply; then expedientes dies.
      await processes.bpm.kill();
      const pending = await tramitador.post('expedientes', '/expedientes', {
        codigo,
        opcionInicial: 'SEDE_ELECTRONICA',
        descripcion: 'Abierto a pesar de una caída',
        documentIds: [documentId],
      });
      expect(pending.status).toBe(202);
      await processes.expedientes.kill();

      await processes.bpm.start();
      await processes.expedientes.start();

      const detail = await eventually(
        async () => {
          const list = await tramitador.get('expedientes', `/expedientes?q=${codigo}`);
          const item = list.body?.items?.[0];
          if (!item) return undefined;
          const reply = await tramitador.get(
            'expedientes',
            `/expedientes/${item.id ?? item.expedienteId}`,
          );
          return reply.body?.estado === 'abierto' ? reply.body : undefined;
        },
        'the expediente opened after the restart',
        90_000,
      );
      // Nothing lost, nothing twice: one process, one claim, one opening.
      expect(detail.documentos.map((documento: any) => documento.documentId)).toEqual([documentId]);
      expect(detail.historialDeFases).toHaveLength(1);
      const proceso = await tramitador.get('bpm', `/procesos/${detail.id}`);
      expect(proceso.status).toBe(200);
      expect(proceso.body.historial).toHaveLength(1);
      const document = await tramitador.get('documents', `/documents/${documentId}`);
      expect(document.body.expedienteId).toBe(detail.id);
    }, 150_000);
  },
);
