import { randomBytes } from 'node:crypto';
import { describeWithServers } from '@expedientes/shared-kernel/testing';
import { GatewayPlatform, gatewayPlatform, testRun } from './support/distributed-platform';
import { eventually } from './support/processes';
import { CollectedSpan, TraceCollector } from './support/trace-collector';

/**
 * Traces of the distributed system: every process exports its spans over OTLP to a collector
 * here, and one open of an expediente through the gateway is one trace across every service.
 */
describeWithServers(
  ['kafka', 'mysql', 'mongodb'],
  'Traces across the distributed system',
  (servers) => {
    const run = testRun();
    const machine = { clientId: 'trazas', secret: randomBytes(32).toString('base64url') };
    const collector = new TraceCollector();
    let system: GatewayPlatform;
    let api = '';

    beforeAll(async () => {
      system = await gatewayPlatform(servers, run, {
        label: 'traces',
        machineClients: [{ ...machine, roles: ['tramitador'] }],
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: await collector.start() },
      });
      api = `${system.publicUrl}/api/v1`;
    }, 180_000);

    afterAll(async () => {
      await system?.stop();
      await collector.stop();
    }, 60_000);

    it('follows one open from the gateway through expedientes, documents, bpm and back, to search', async () => {
      const basic = Buffer.from(`${machine.clientId}:${machine.secret}`).toString('base64');
      const issued = await fetch(`${system.publicUrl}/auth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      const { access_token: token } = (await issued.json()) as { access_token: string };
      const codigo = `TRAZA-${run.id}`;
      const form = new FormData();
      form.append('codigo', codigo);
      form.append('opcionInicial', 'SEDE_ELECTRONICA');
      form.append('descripcion', 'Una solicitud con su traza');
      form.append(
        'files',
        new File([Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048)])], 'solicitud.pdf', {
          type: 'application/pdf',
        }),
      );
      const opened = await fetch(`${api}/expedientes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(opened.status).toBe(201);

      // The gateway's span of the POST is the root; the rest of the trace hangs from it.
      const trace = await eventually(async () => {
        const root = collector.spans.find(
          (span) => span.service === 'gateway' && span.name === 'POST /api/v1/expedientes',
        );
        if (!root) return undefined;
        const spans = collector.spans.filter((span) => span.traceId === root.traceId);
        const services = new Set(spans.map((span) => span.service));
        const complete = ['expedientes', 'documents', 'bpm', 'search'].every((s) =>
          services.has(s),
        );
        return complete ? { root, spans } : undefined;
      }, 'one trace through every service');

      const { root, spans } = trace;
      expect(root.parentSpanId).toBeUndefined();
      const parentOf = new Map(spans.map((span) => [span.spanId, span]));
      /** The processes a span's ancestry crossed, from the root: each hop once. */
      const servicesFromRoot = (span: CollectedSpan): string[] => {
        const chain: string[] = [];
        for (
          let at: CollectedSpan | undefined = span;
          at;
          at = parentOf.get(at.parentSpanId ?? '')
        ) {
          if (chain[0] !== at.service) chain.unshift(at.service);
        }
        return chain;
      };
      // Every span of the trace hangs, through its parents, from the gateway's.
      for (const span of spans) expect(servicesFromRoot(span)[0]).toBe('gateway');
      // The saga's road: expedientes asks documents to register the upload; on its reply, bpm
      // to start the process; on bpm's reply it opens the expediente, which search indexes.
      const indexed = spans.find(
        (span) =>
          span.service === 'search' && span.name === 'expedientes.expediente.abierto process',
      );
      // The database calls are spans of the work that made them (the drivers' instrumentations).
      const queries = (service: string, name: RegExp) =>
        spans.filter((span) => span.service === service && name.test(span.name));
      expect(queries('bpm', /^(INSERT|SELECT|UPDATE)$/).length).toBeGreaterThan(0);
      expect(queries('documents', /^insert (documentos|contenidos.files)$/).length).toBe(2);
      // Each step of the saga is a span of its own in expedientes: opening it is the last.
      expect(
        spans.filter((span) => span.service === 'expedientes' && span.name.startsWith('saga ')),
      ).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: expect.stringMatching(/ abrirExpediente$/) }),
        ]),
      );
      expect(servicesFromRoot(indexed as CollectedSpan)).toEqual([
        'gateway',
        'expedientes',
        'documents',
        'expedientes',
        'bpm',
        'expedientes',
        'search',
      ]);
    });
  },
);
