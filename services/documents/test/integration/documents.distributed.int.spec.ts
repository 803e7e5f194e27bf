import { randomBytes } from 'node:crypto';
import { connectMongo } from '@expedientes/shared-kernel/adapters/mongodb';
import { describeWithServerAs, serviceKafkaBuses } from '@expedientes/shared-kernel/testing';
import { createDocumentsService } from '../../src/composition-root';
import { documentsServiceSuite, testSettings } from './documents-service-suite';

/** The server's URL with a database of its own for this run. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

describeWithServerAs('mongodb', 'documents', 'documents with MongoDB', (mongodbUrl) => {
  describeWithServerAs('kafka', 'documents', 'and Kafka', (brokers) => {
    documentsServiceSuite(
      'documents on the distributed infrastructure (MongoDB, GridFS, Kafka)',
      async (common) => {
        const url = withDatabase(mongodbUrl(), `documents_test_${randomBytes(4).toString('hex')}`);
        const buses = serviceKafkaBuses('documents', {
          brokers: brokers().split(','),
          groupTiming: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, maxWaitTimeMs: 100 },
        });
        const bus = buses.others;
        const module = await createDocumentsService(
          { kind: 'distributed', bus: buses.service, mongodbUrl: url },
          common,
          testSettings,
        );
        const connection = await connectMongo(url, { appName: 'documents-int-test' });
        const db = connection.db();
        return {
          module,
          bus,
          // GridFS writes chunks as the content comes and the file's entry at its end.
          unfinishedUploads: async () => {
            const written = await db.collection('contenidos.chunks').distinct('files_id');
            const whole = await db
              .collection('contenidos.files')
              .countDocuments({ _id: { $in: written } });
            return written.length - whole;
          },
          dispose: async () => {
            await buses.close();
            await db.dropDatabase();
            await connection.close();
          },
        };
      },
    );
  });
});
