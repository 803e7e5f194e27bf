import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  ResourcePatternTypes,
} from 'kafkajs';
import { allKafkaAclBindings, KafkaAclBinding, KafkaAccessTable } from '../../messaging/kafka-acls';

const resourceTypes = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP } as const;
const operations = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE,
  describe: AclOperationTypes.DESCRIBE,
} as const;
const patterns = {
  literal: ResourcePatternTypes.LITERAL,
  prefixed: ResourcePatternTypes.PREFIXED,
} as const;

/** The Kafka ACL of a binding: ALLOW for `User:<principal>` from any host. */
export const kafkaAclOf = (binding: KafkaAclBinding): AclEntry => ({
  principal: `User:${binding.principal}`,
  host: '*',
  resourceType: resourceTypes[binding.resource],
  resourceName: binding.name,
  resourcePatternType: patterns[binding.pattern],
  operation: operations[binding.operation],
  permissionType: AclPermissionTypes.ALLOW,
});

const keyOf = (acl: AclEntry): string =>
  [acl.principal, acl.host, acl.resourceType, acl.resourceName, acl.resourcePatternType]
    .concat([acl.operation, acl.permissionType].map(String))
    .join('|');

/**
 * Makes the principals' ACLs on the brokers what the table says, through an admin client of a
 * super user: the missing ones are created, those of a principal of the table that the table
 * no longer gives are deleted (other principals' ACLs are left alone). Idempotent.
 */
export async function applyKafkaAcls(
  admin: Admin,
  table: KafkaAccessTable,
): Promise<{ created: number; deleted: number; kept: number }> {
  const wanted = new Map(
    allKafkaAclBindings(table).map((b) => [keyOf(kafkaAclOf(b)), kafkaAclOf(b)]),
  );
  const existing = new Map<string, AclEntry>();
  for (const principal of Object.keys(table.principals)) {
    const { resources } = await admin.describeAcls({
      principal: `User:${principal}`,
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    for (const resource of resources) {
      for (const acl of resource.acls) {
        const entry: AclEntry = {
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          resourcePatternType: resource.resourcePatternType,
          ...acl,
        };
        existing.set(keyOf(entry), entry);
      }
    }
  }
  const missing = [...wanted].filter(([key]) => !existing.has(key)).map(([, acl]) => acl);
  const stale = [...existing].filter(([key]) => !wanted.has(key)).map(([, acl]) => acl);
  if (stale.length > 0) await admin.deleteAcls({ filters: stale });
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  return { created: missing.length, deleted: stale.length, kept: wanted.size - missing.length };
}
