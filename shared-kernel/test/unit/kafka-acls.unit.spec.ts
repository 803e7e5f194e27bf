import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allKafkaAclBindings,
  kafkaAccessMarkdown,
  kafkaAccessTable,
  kafkaAclBindings,
  topics,
} from '../../src';

const table = kafkaAccessTable();
const principals = Object.entries(table.principals);

describe('the Kafka access table (shared-kernel/kafka-acls.json)', () => {
  it('lets a service produce only its own events and replies, and the commands of others', () => {
    for (const [principal, access] of principals) {
      for (const topic of access.produces) {
        const [owner, kind] = topic.split('.');
        const own = owner === principal && (kind === 'events' || kind === 'replies');
        const command = owner !== principal && kind === 'commands';
        expect({ principal, topic, allowed: own || command }).toEqual({
          principal,
          topic,
          allowed: true,
        });
      }
    }
  });

  it("has every saga that sends a participant commands read that participant's replies", () => {
    for (const [, access] of principals) {
      for (const topic of access.produces.filter((name) => name.endsWith('.commands'))) {
        expect(access.consumes).toContain(topics.replies(topic.split('.')[0] ?? ''));
      }
    }
  });

  it('gives the gateway expedientes.events to read, and nothing to write but its dead letters', () => {
    const gateway = table.principals.gateway;
    expect(gateway).toBeDefined();
    const bindings = kafkaAclBindings('gateway', gateway!);
    const readable = bindings.filter((b) => b.operation === 'read' && b.resource === 'topic');
    const writable = bindings.filter((b) => b.operation === 'write');
    expect(readable.map((b) => b.name)).toEqual([topics.events('expedientes')]);
    expect(writable.map((b) => b.name)).toEqual([topics.deadLetter(topics.events('expedientes'))]);
  });

  it('grants nothing on the cluster, no wildcard and no topic by prefix', () => {
    const bindings = allKafkaAclBindings(table);
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(['topic', 'group']).toContain(binding.resource);
      expect(binding.name).not.toContain('*');
      if (binding.resource === 'topic') expect(binding.pattern).toBe('literal');
    }
  });
});

describe("README's table of Kafka principals", () => {
  it('is the table', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(kafkaAccessMarkdown(table));
  });
});
