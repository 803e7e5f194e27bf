import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { ConfigurationError } from '../runtime/config';

/** How a client proves who it is to the brokers, and whether it talks TLS to them. */
export type KafkaSecurity = Pick<KafkaConfig, 'sasl' | 'ssl'>;

const mechanisms = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof mechanisms)[number];

/**
 * The variables of a Kafka client's security, beside KAFKA_BROKERS: its SASL principal
 * (none: an unauthenticated client, as for a broker without SASL) and TLS to the brokers.
 */
export const kafkaSecurityVariables = {
  KAFKA_SASL_MECHANISM: z.enum(mechanisms).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  /** PEM file of the CA that signed the brokers' certificates; the system's CAs by default. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
};

export type KafkaSecurityConfig = {
  readonly KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  readonly KAFKA_SASL_USERNAME?: string;
  readonly KAFKA_SASL_PASSWORD?: string;
  readonly KAFKA_SSL?: 'true' | 'false';
  readonly KAFKA_SSL_CA_FILE?: string;
};

/** The client security the variables describe; half a SASL setting is a configuration error. */
export function kafkaSecurityFrom(config: KafkaSecurityConfig): KafkaSecurity {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = config;
  const password = config.KAFKA_SASL_PASSWORD;
  const problems: string[] = [];
  if (!mechanism && (username || password)) {
    problems.push('KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME/PASSWORD');
  }
  if (mechanism && !username)
    problems.push('KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM');
  if (mechanism && !password)
    problems.push('KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM');
  if (config.KAFKA_SSL_CA_FILE && config.KAFKA_SSL !== 'true') {
    problems.push('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  const security: { sasl?: SASLOptions; ssl?: KafkaConfig['ssl'] } = {};
  if (mechanism && username && password) {
    security.sasl = { mechanism, username, password } as SASLOptions;
  }
  if (config.KAFKA_SSL === 'true') {
    security.ssl = config.KAFKA_SSL_CA_FILE
      ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] }
      : true;
  }
  return security;
}

/** `kafkaSecurityFrom` of the process's environment (variables validated as at start-up). */
export const kafkaSecurityFromEnv = (
  environment: Record<string, string | undefined> = process.env,
): KafkaSecurity => {
  const parsed = z.object(kafkaSecurityVariables).safeParse(environment);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return kafkaSecurityFrom(parsed.data);
};
