import { randomUUID } from 'node:crypto';
import { MysqlDatabase } from '@expedientes/shared-kernel/adapters/sql';
import { describeWithServerAs } from '@expedientes/shared-kernel/testing';
import { generateCookieKey, generateSigningKey } from '../../src/composition-root';
import { authServerScenarios } from './auth-server-scenarios';

describeWithServerAs('mysql', 'auth', 'auth as its own process (MySQL)', (mysqlUrl) => {
  authServerScenarios('the authorization server on the distributed infrastructure', async () => {
    const url = new URL(mysqlUrl());
    url.pathname = `/auth_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await MysqlDatabase.ensureDatabase(url.toString());
    return {
      entry: 'distributed',
      env: {
        MYSQL_URL: url.toString(),
        AUTH_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey()] }),
        AUTH_COOKIE_KEYS: `${generateCookieKey()},${generateCookieKey()}`,
      },
      dispose: () => MysqlDatabase.dropDatabase(url.toString()),
    };
  });
});
