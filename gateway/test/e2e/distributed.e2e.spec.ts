import { randomBytes } from 'node:crypto';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServers, TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { serviceProcesses, services, testRun } from './support/distributed-platform';
import { ServiceName } from './support/platform-client';
import { eventually, serveJwks, ServiceProcess } from './support/processes';
import { expedienteLifeScenario, PlatformUnderTest } from './support/scenario';
import { scenarioUsers } from './support/users';

describeWithServers(
  ['kafka', 'mysql', 'mongodb'],
  'The four services as separate processes',
  (servers) => {
    const run = testRun();
    let platform: PlatformUnderTest;
    let processes: Record<ServiceName, ServiceProcess>;
    let closeJwks: () => Promise<void>;
    const mysqlDatabases = () =>
      ['bpm', 'search', 'expedientes'].map((name) => run.database(servers.mysql(), name));

    beforeAll(async () => {
      const issuer = await TestTokenIssuer.create();
      const jwks = await serveJwks(issuer.jwks);
      closeJwks = jwks.close;
      await Promise.all(mysqlDatabases().map((url) => MysqlDatabase.ensureDatabase(url)));
      processes = await serviceProcesses(
        servers,
        run,
        { issuer: issuer.issuer, audience: issuer.audience, jwksUrl: jwks.url },
        // Longer than a restart plus a consumer-group failover, so the crash test's saga waits.
        { expedientes: { SAGA_STEP_TIMEOUT_MS: '60000' } },
      );
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
      const codigo = `CRASH-${run.id}`;

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
