import { z } from 'zod';
import { ConfigurationError, env, loadConfig } from '../../src/adapters/runtime/config';

const schema = z.object({
  PORT: env.port(3000),
  KAFKA_BROKERS: env.list(),
  MYSQL_URL: env.url(['mysql']),
});

describe('loadConfig', () => {
  it('reads, converts and defaults the variables', () => {
    expect(
      loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9092', MYSQL_URL: 'mysql://u:p@h:3306/db' }),
    ).toEqual({
      PORT: 3000,
      KAFKA_BROKERS: ['a:9092', 'b:9092'],
      MYSQL_URL: 'mysql://u:p@h:3306/db',
    });
  });

  it('names every missing or malformed variable at once', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', MYSQL_URL: 'postgres://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const { problems } = caught as ConfigurationError;
    expect(problems).toHaveLength(3);
    expect(problems).toContain('KAFKA_BROKERS is required');
    expect(problems.find((problem) => problem.startsWith('PORT:'))).toBeDefined();
    expect(problems.find((problem) => problem.startsWith('MYSQL_URL:'))).toMatch(/mysql:\/\//);
  });
});
