import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A span as a trace viewer shows it: which process made it, and where it hangs. */
export interface CollectedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
}

interface OtlpValue {
  readonly stringValue?: string;
}
interface OtlpRequest {
  readonly resourceSpans?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: ReadonlyArray<{ key: string; value: OtlpValue }> };
    readonly scopeSpans?: ReadonlyArray<{
      readonly spans?: ReadonlyArray<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
      }>;
    }>;
  }>;
}

/**
 * What an OpenTelemetry collector is to the processes under test: OTLP over HTTP, JSON
 * (`POST /v1/traces`), keeping every span it is sent in memory.
 */
export class TraceCollector {
  readonly spans: CollectedSpan[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') this.keep(JSON.parse(Buffer.concat(chunks).toString()));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private keep(request: OtlpRequest): void {
    for (const { resource, scopeSpans } of request.resourceSpans ?? []) {
      const service =
        resource?.attributes?.find(({ key }) => key === 'service.name')?.value.stringValue ?? '';
      for (const { spans } of scopeSpans ?? []) {
        for (const { traceId, spanId, parentSpanId, name } of spans ?? []) {
          this.spans.push({
            service,
            name,
            traceId,
            spanId,
            parentSpanId: parentSpanId || undefined,
          });
        }
      }
    }
  }
}
