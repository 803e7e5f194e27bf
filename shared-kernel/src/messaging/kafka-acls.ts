import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topics } from './topics';

/** What one process may do on Kafka, as `shared-kernel/kafka-acls.json` lists it. */
export interface KafkaPrincipalAccess {
  /** Topics it publishes to. */
  readonly produces: readonly string[];
  /** Topics it subscribes to. */
  readonly consumes: readonly string[];
  /** Its consumer groups, by name... */
  readonly groups: readonly string[];
  /** ...and by prefix, for groups named per generation or per process. */
  readonly groupPrefixes: readonly string[];
}

export interface KafkaAccessTable {
  /** The super user that creates the principals' ACLs (and reads the dead letters). */
  readonly admin: string;
  readonly principals: Readonly<Record<string, KafkaPrincipalAccess>>;
}

export type KafkaAclResource = 'topic' | 'group';
export type KafkaAclOperation = 'read' | 'write' | 'create' | 'describe';

/** One ALLOW ACL of `User:<principal>`, from any host. */
export interface KafkaAclBinding {
  readonly principal: string;
  readonly resource: KafkaAclResource;
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: KafkaAclOperation;
}

/**
 * The one table of who may do what on Kafka (`shared-kernel/kafka-acls.json`, beside src/ and
 * dist/, so that the test servers' script reads it without a build and every image has it).
 */
export function kafkaAccessTable(): KafkaAccessTable {
  const file = join(__dirname, '..', '..', 'kafka-acls.json');
  const table = JSON.parse(readFileSync(file, 'utf8')) as KafkaAccessTable;
  const names = ['produces', 'consumes', 'groups', 'groupPrefixes'] as const;
  for (const [principal, access] of Object.entries(table.principals)) {
    for (const name of names) {
      if (!Array.isArray(access[name])) {
        throw new Error(`${file}: ${principal}.${name} must be a list`);
      }
    }
  }
  return table;
}

/**
 * The ACLs of one principal. A topic it produces: WRITE. A topic it consumes: READ, and WRITE
 * on its `.dlq`, where the bus puts what the consumer gives up on. Its groups: READ. Every
 * topic it uses, and that topic's `.dlq`, it may CREATE (the bus creates both on first use,
 * whoever comes first) and DESCRIBE (the bus waits for their leaders). Nothing else: no
 * other topic, no cluster operation (an idempotent producer needs no IDEMPOTENT_WRITE since
 * Kafka 3.0, where WRITE on a topic implies it).
 */
export function kafkaAclBindings(
  principal: string,
  access: KafkaPrincipalAccess,
): KafkaAclBinding[] {
  const bindings = new Map<string, KafkaAclBinding>();
  const allow = (
    resource: KafkaAclResource,
    name: string,
    operation: KafkaAclOperation,
    pattern: KafkaAclBinding['pattern'] = 'literal',
  ): void => {
    bindings.set([resource, pattern, name, operation].join(' '), {
      principal,
      resource,
      name,
      pattern,
      operation,
    });
  };
  for (const topic of [...access.produces, ...access.consumes]) {
    for (const used of [topic, topics.deadLetter(topic)]) {
      allow('topic', used, 'create');
      allow('topic', used, 'describe');
    }
  }
  for (const topic of access.produces) allow('topic', topic, 'write');
  for (const topic of access.consumes) {
    allow('topic', topic, 'read');
    allow('topic', topics.deadLetter(topic), 'write');
  }
  for (const group of access.groups) allow('group', group, 'read');
  for (const prefix of access.groupPrefixes) allow('group', prefix, 'read', 'prefixed');
  return [...bindings.values()];
}

/** Every principal's ACLs. */
export const allKafkaAclBindings = (
  table: KafkaAccessTable = kafkaAccessTable(),
): KafkaAclBinding[] =>
  Object.entries(table.principals).flatMap(([principal, access]) =>
    kafkaAclBindings(principal, access),
  );

/**
 * The table as README.md shows it ("Kafka principals and ACLs"), one row per principal; a test
 * keeps the two the same.
 */
export function kafkaAccessMarkdown(table: KafkaAccessTable = kafkaAccessTable()): string {
  const list = (names: readonly string[]): string =>
    names.length > 0 ? names.map((name) => `\`${name}\``).join(', ') : '—';
  const rows = Object.entries(table.principals).map(([principal, access]) => {
    const groups = [...access.groups, ...access.groupPrefixes.map((prefix) => `${prefix}*`)];
    return `| \`${principal}\` | ${list(access.produces)} | ${list(access.consumes)} | ${list(groups)} |`;
  });
  return [
    '| principal | WRITE (produces) | READ (consumes; WRITE on its `.dlq`) | READ on the groups |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
