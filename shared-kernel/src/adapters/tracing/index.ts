/**
 * Imported first by every process's entry point: where traces are on, the database drivers
 * (mysql2, mongodb) are instrumented before anything loads them, so each query is a span of
 * the work that made it. The instrumentations patch a driver as it is required; imported
 * later, they would patch nothing. Off, this does nothing.
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  registerInstrumentations({
    instrumentations: [new MySQL2Instrumentation(), new MongoDBInstrumentation()],
  });
}
