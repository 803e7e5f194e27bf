import { temporarySqlite } from '../../src/testing';
import { sqlEventStoreSuite } from './sql-event-store-suite';

sqlEventStoreSuite('SqlEventStore on a SQLite file', async () => temporarySqlite());
