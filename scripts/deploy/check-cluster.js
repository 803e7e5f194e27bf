// @ts-check
// What the controllers of the test control plane made of a release of the chart, against what
// its values say: run by scripts/deploy/check-cluster.sh, again and again until it passes (the
// controllers take a few seconds) or its time is up.
//   node scripts/deploy/check-cluster.js release OBJECTS VALUES --tag TAG --after install|upgrade|rollback
//   node scripts/deploy/check-cluster.js uninstalled OBJECTS VALUES [--claims FILE]
// OBJECTS is `kubectl get ... -o json` of the namespace, VALUES `helm get values --all -o json`
// of the release. Prints one line per problem and exits 1 if there is any (2 for a wrong
// command line).
//
// release: for every component, its Deployment runs the images of TAG with the replicas the
// values say (an autoscaler's minReplicas: the autoscaler set them), its ReplicaSets have
// their pods, its PodDisruptionBudget and autoscaler have a status that counts them; every
// store in the cluster has its StatefulSet's pods and their volume claims, on the values'
// StorageClass (or the cluster's default), kept or deleted on uninstall as the values say.
// There are no kubelets, so no pod ever becomes ready, and what a rollout does with that is
// checked too (--after): after the first install one ReplicaSet, of TAG, holds every replica;
// after an upgrade the rollout to TAG has begun (its ReplicaSet has a pod) and the old
// ReplicaSets keep every replica, as maxUnavailable: 0 wants (and as they would not if the
// chart gave an autoscaled Deployment `replicas`: the upgrade would reset them); after a rollback TAG's
// ReplicaSet holds every replica again (the abandoned one may keep the pod it surged with:
// with no pod available, the controller may not take it away).
// uninstalled: nothing is left of the release but what README.md says stays: the Secret the
// operator created, the volume claims when storage.whenUninstalled is Retain (with --claims,
// exactly those of that file, the same objects), and what the cluster gives every namespace.
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');

/**
 * @typedef {{ name: string, namespace?: string, uid?: string, generation?: number,
 *   labels?: Record<string, string>,
 *   ownerReferences?: { kind: string, name: string, uid: string, controller?: boolean }[] }} Meta
 * @typedef {{ kind: string, metadata: Meta, spec?: any, status?: any }} KubeObject
 * @typedef {{ enabled?: boolean, replicas?: number,
 *   autoscaling?: { enabled?: boolean, minReplicas?: number, maxReplicas?: number } }} ComponentValues
 * @typedef {{ enabled?: boolean, replicas?: number, storage?: { storageClassName?: string } }} StoreValues
 * @typedef {{ components: Record<string, ComponentValues>, storage: { whenUninstalled: string },
 *   secrets?: { existingSecret?: string }, [store: string]: any }} Values
 */

const STORES = ['kafka', 'eventstoredb', 'mongodb', 'mysql'];
// What the cluster itself puts in every namespace.
const CLUSTER_OWN = new Set(['ConfigMap/kube-root-ca.crt', 'ServiceAccount/default']);

/** @type {string[]} */
const problems = [];
/** @param {string} what */
const problem = (what) => problems.push(what);

/** @param {string} file @returns {any} */
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** @param {KubeObject} object */
const id = (object) => `${object.kind}/${object.metadata.name}`;

/** @param {KubeObject[]} objects @param {string} kind */
const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);

/** @param {KubeObject[]} objects @param {string} kind @param {string} name */
const find = (objects, kind, name) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

/**
 * The objects of a kind whose controller is the owner.
 * @param {KubeObject[]} objects @param {string} kind @param {KubeObject} owner
 */
const ownedBy = (objects, kind, owner) =>
  ofKind(objects, kind).filter((o) =>
    (o.metadata.ownerReferences ?? []).some(
      (ref) => ref.controller && ref.uid === owner.metadata.uid,
    ),
  );

/** The tags of a pod template's images. @param {any} template */
const tagsOf = (template) =>
  new Set(
    [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])].map(
      (/** @type {{ image: string }} */ c) => c.image.slice(c.image.lastIndexOf(':') + 1),
    ),
  );

/** The generation the object's controller has seen is its latest. @param {KubeObject} o */
function observed(o) {
  if (o.status?.observedGeneration !== o.metadata.generation) {
    problem(`${id(o)}: its controller has not yet seen generation ${o.metadata.generation}`);
    return false;
  }
  return true;
}

/**
 * @param {KubeObject[]} objects @param {string} release @param {string} name
 * @param {ComponentValues} component @param {string} tag @param {string} after
 */
function checkComponent(objects, release, name, component, tag, after) {
  const fullname = `${release}-${name}`;
  const deployment = find(objects, 'Deployment', fullname);
  if (!deployment) return problem(`Deployment/${fullname} is missing`);
  const autoscaled = component.autoscaling?.enabled === true;
  const replicas = autoscaled ? component.autoscaling?.minReplicas : component.replicas;
  const tags = [...tagsOf(deployment.spec.template)];
  if (tags.length !== 1 || tags[0] !== tag) {
    problem(`${id(deployment)}: images tagged ${tags.join(', ')}, not ${tag}`);
  }
  if (deployment.spec.replicas !== replicas) {
    problem(
      `${id(deployment)}: ${deployment.spec.replicas} replicas, not the ${replicas} of ` +
        (autoscaled ? 'autoscaling.minReplicas' : 'replicas'),
    );
  }
  observed(deployment);

  const replicaSets = ownedBy(objects, 'ReplicaSet', deployment);
  const current = replicaSets.filter((rs) => tagsOf(rs.spec.template).has(tag));
  if (current.length !== 1) {
    problem(`${id(deployment)}: ${current.length} ReplicaSets of tag ${tag}, not 1`);
  }
  for (const rs of replicaSets) {
    const pods = ownedBy(objects, 'Pod', rs).length;
    if (pods !== rs.spec.replicas) problem(`${id(rs)}: ${pods} pods, not ${rs.spec.replicas}`);
  }
  const held = (/** @type {KubeObject[]} */ sets) =>
    sets.reduce((sum, rs) => sum + rs.spec.replicas, 0);
  const others = replicaSets.filter((rs) => !current.includes(rs));
  if (after === 'upgrade') {
    if (held(current) < 1) problem(`${id(deployment)}: the rollout to ${tag} has not begun`);
    if (held(others) !== replicas) {
      problem(
        `${id(deployment)}: the old ReplicaSets hold ${held(others)} replicas, not ${replicas}`,
      );
    }
  } else {
    if (held(current) !== replicas) {
      problem(`${id(deployment)}: ${held(current)} replicas of ${tag}, not ${replicas}`);
    }
    if (after === 'install' && held(others) !== 0) {
      problem(`${id(deployment)}: ${held(others)} replicas of other ReplicaSets`);
    }
  }

  const pdb = find(objects, 'PodDisruptionBudget', fullname);
  if (!pdb) problem(`PodDisruptionBudget/${fullname} is missing`);
  else if (observed(pdb) && pdb.status.expectedPods !== replicas) {
    problem(`${id(pdb)}: expects ${pdb.status.expectedPods} pods, not ${replicas}`);
  }

  const hpa = find(objects, 'HorizontalPodAutoscaler', fullname);
  if (!autoscaled) {
    if (hpa) problem(`${id(hpa)}: there, but autoscaling is not enabled`);
    return;
  }
  if (!hpa) return problem(`HorizontalPodAutoscaler/${fullname} is missing`);
  const { minReplicas, maxReplicas } = component.autoscaling ?? {};
  if (hpa.spec.minReplicas !== minReplicas || hpa.spec.maxReplicas !== maxReplicas) {
    problem(
      `${id(hpa)}: ${hpa.spec.minReplicas} to ${hpa.spec.maxReplicas} replicas, ` +
        `not the values' ${minReplicas} to ${maxReplicas}`,
    );
  }
  // What it found (and, below minReplicas, set); with no metrics-server here it computes no
  // other desire, and says so in ScalingActive.
  if (hpa.status?.currentReplicas !== replicas) {
    problem(`${id(hpa)}: sees ${hpa.status?.currentReplicas} replicas, not ${replicas}`);
  }
  const ableToScale = (hpa.status?.conditions ?? []).find(
    (/** @type {{ type: string }} */ c) => c.type === 'AbleToScale',
  );
  if (ableToScale?.status !== 'True') {
    problem(`${id(hpa)}: not able to scale its Deployment (${ableToScale?.message})`);
  }
}

/** @param {KubeObject[]} objects @param {string} release @param {string} store @param {Values} values */
function checkStore(objects, release, store, values) {
  const fullname = `${release}-${store}`;
  const sts = find(objects, 'StatefulSet', fullname);
  if (!sts) return problem(`StatefulSet/${fullname} is missing`);
  observed(sts);
  /** @type {StoreValues} */
  const storeValues = values[store];
  const replicas = storeValues.replicas ?? 1;
  if (sts.spec.replicas !== replicas) {
    problem(`${id(sts)}: ${sts.spec.replicas} replicas, not ${replicas}`);
  }
  // Without kubelets no pod becomes ready: in order (OrderedReady) only the first is made.
  const made = sts.spec.podManagementPolicy === 'Parallel' ? replicas : Math.min(replicas, 1);
  const pods = ownedBy(objects, 'Pod', sts);
  if (pods.length !== made) problem(`${id(sts)}: ${pods.length} pods, not ${made}`);

  const retention = values.storage.whenUninstalled;
  if (sts.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted !== retention) {
    problem(
      `${id(sts)}: claims ${sts.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted} when deleted, not ${retention}`,
    );
  }
  const storageClass = storeValues.storage?.storageClassName || defaultStorageClass;
  for (let ordinal = 0; ordinal < made; ordinal++) {
    for (const template of sts.spec.volumeClaimTemplates ?? []) {
      const name = `${template.metadata.name}-${fullname}-${ordinal}`;
      const claim = find(objects, 'PersistentVolumeClaim', name);
      if (!claim) {
        problem(`PersistentVolumeClaim/${name} is missing`);
        continue;
      }
      if (claim.spec.storageClassName !== storageClass) {
        problem(`${id(claim)}: StorageClass ${claim.spec.storageClassName}, not ${storageClass}`);
      }
      // The StatefulSet controller makes itself the claim's owner, for the garbage collector.
      const owned = (claim.metadata.ownerReferences ?? []).some(
        (ref) => ref.uid === sts.metadata.uid,
      );
      if (owned !== (retention === 'Delete')) {
        problem(`${id(claim)}: ${owned ? '' : 'not '}owned by its StatefulSet, with ${retention}`);
      }
    }
  }
}

/** @param {KubeObject[]} objects @param {string} release @param {Values} values @param {string} tag @param {string} after */
function checkRelease(objects, release, values, tag, after) {
  for (const [name, component] of Object.entries(values.components)) {
    checkComponent(objects, release, name, component, tag, after);
  }
  for (const store of STORES) {
    if (values[store]?.enabled) checkStore(objects, release, store, values);
  }
  for (const pod of ofKind(objects, 'Pod')) {
    if (pod.status?.phase !== 'Pending')
      problem(`${id(pod)}: ${pod.status?.phase}, but no node runs pods`);
  }
}

/** @param {KubeObject[]} objects @param {Values} values @param {string | undefined} claimsFile */
function checkUninstalled(objects, values, claimsFile) {
  const secret = values.secrets?.existingSecret;
  const retain = values.storage.whenUninstalled === 'Retain';
  for (const object of objects) {
    if (object.kind === 'Event' || CLUSTER_OWN.has(id(object))) continue;
    if (object.kind === 'Secret' && object.metadata.name === secret) continue;
    if (object.kind === 'PersistentVolumeClaim' && retain) continue;
    problem(`${id(object)}: left after helm uninstall`);
  }
  if (!claimsFile) return;
  /** @type {KubeObject[]} */
  const before = readJson(claimsFile).items;
  const claims = ofKind(objects, 'PersistentVolumeClaim');
  for (const claim of before) {
    const now = claims.find((c) => c.metadata.name === claim.metadata.name);
    if (retain && now?.metadata.uid !== claim.metadata.uid) {
      problem(
        `${id(claim)}: ${now ? 'a new object' : 'gone'}, but storage.whenUninstalled is Retain`,
      );
    }
  }
  if (retain && claims.length !== before.length) {
    problem(`${claims.length} claims left, not the ${before.length} the release had`);
  }
}

// The cluster's default StorageClass (the DefaultStorageClass admission plugin writes it into
// claims that name none): scripts/deploy/cluster/prerequisites.yaml.
const defaultStorageClass = 'standard';

/** @param {string[]} argv @returns {number} */
function main(argv) {
  const { values: options, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tag: { type: 'string' },
      after: { type: 'string' },
      claims: { type: 'string' },
      release: { type: 'string', default: 'expedientes' },
    },
  });
  const [command, objectsFile, valuesFile] = positionals;
  if (positionals.length !== 3 || !['release', 'uninstalled'].includes(command)) {
    process.stderr.write(
      'usage: check-cluster.js release OBJECTS VALUES --tag TAG --after install|upgrade|rollback\n' +
        '       check-cluster.js uninstalled OBJECTS VALUES [--claims FILE]\n',
    );
    return 2;
  }
  /** @type {KubeObject[]} */
  const objects = readJson(objectsFile).items;
  /** @type {Values} */
  const values = readJson(valuesFile);
  if (command === 'release') {
    const { tag, after = '' } = options;
    if (!tag || !['install', 'upgrade', 'rollback'].includes(after)) {
      process.stderr.write('release needs --tag and --after install|upgrade|rollback\n');
      return 2;
    }
    checkRelease(objects, options.release, values, tag, after);
  } else {
    checkUninstalled(objects, values, options.claims);
  }
  for (const line of problems) process.stdout.write(`${line}\n`);
  return problems.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
