import {
  context,
  Context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  Sampler,
  SamplingDecision,
  SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { StepRunner } from '../../saga/saga-orchestrator';

/**
 * OpenTelemetry traces. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then the OpenTelemetry
 * API is a no-op, which is what "no cost when off" rests on. On, every process exports its
 * spans there (OTLP over HTTP), W3C `traceparent` carries a trace over HTTP and inside every
 * message (through the outboxes and the event store), and log lines name their trace.
 */
export interface Tracing {
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

const off: Tracing = { shutdown: async () => undefined };

/**
 * Whether spans are made. Off, `inSpan` runs its work at once with a span that records
 * nothing: the no-op API's span, context and closure on every message and step cost about
 * 1 % of an embedded transition's CPU.
 */
let spansOn = false;
const notRecorded: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** `exporter` replaces the OTLP one (tests). */
export function startTracing(
  service: string,
  options: { readonly endpoint?: string; readonly exporter?: SpanExporter } = {},
): Tracing {
  const endpoint = options.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint && !options.exporter) return off;
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: tracesUrl(endpoint ?? '') });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    sampler: new ParentBasedSampler({ root: noBackgroundQueries }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  spansOn = true;
  return {
    shutdown: async () => {
      spansOn = false;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * A trace starts with a request or a message, never with a query of its own: the pollers'
 * queries (outbox relays, saga deadlines, subscriptions) would each be a trace of one span.
 */
const noBackgroundQueries: Sampler = {
  shouldSample: (_context, _traceId, _name, kind) => ({
    decision:
      kind === SpanKind.CLIENT ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
  }),
  toString: () => 'NoBackgroundQueries',
};

/** The OTLP convention: a base endpoint gets the signal's path. */
const tracesUrl = (endpoint: string): string =>
  endpoint.endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/$/, '')}/v1/traces`;

const tracer = () => trace.getTracer('expedientes');

/** Runs `work` in a new span, a child of `parent` (the active context by default). */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
  /** The traces of what the work serves besides its parent (the messages of a batch). */
  linked: readonly Context[] = [],
): Promise<T> {
  if (!spansOn) return work(notRecorded);
  const links = linked.flatMap((each) => {
    const spanContext = trace.getSpanContext(each);
    return spanContext ? [{ context: spanContext }] : [];
  });
  return tracer().startActiveSpan(name, { kind, attributes, links }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active span's `traceparent`, to send on; undefined when there is none (tracing off). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a received `traceparent` continues; none given, a new trace. */
export function contextOf(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** The ids of the active span, for log lines; empty when there is none. */
export function traceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** Each step of a saga an internal span (see `SagaOrchestratorDependencies.runStep`). */
export const sagaStepSpans: StepRunner = (name, attributes, work) =>
  inSpan(name, SpanKind.INTERNAL, attributes, () => work());

export { SpanKind };

/**
 * The envelope with the active trace context, unless it carries one already: stamped where
 * a message is written (an outbox, in the transaction of the change), it continues that
 * work's trace however much later a relay publishes it.
 */
export function traced<TEnvelope extends { readonly traceparent?: string }>(
  envelope: TEnvelope,
): TEnvelope {
  if (envelope.traceparent) return envelope;
  const traceparent = currentTraceparent();
  return traceparent ? { ...envelope, traceparent } : envelope;
}
