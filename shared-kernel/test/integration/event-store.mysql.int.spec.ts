import { describeWithServer, temporaryMysql } from '../../src/testing';
import { sqlEventStoreSuite } from './sql-event-store-suite';

describeWithServer('mysql', 'SqlEventStore on MySQL/MariaDB', (url) => {
  // Every store under test gets a database of its own, dropped when the test is done with it.
  sqlEventStoreSuite('SqlEventStore on MySQL/MariaDB', () => temporaryMysql(url()));
});
