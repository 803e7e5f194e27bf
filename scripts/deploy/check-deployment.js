// @ts-check
// Checks of the deployment material that no schema makes: run by scripts/check-deployment.sh,
// and by the pipeline's build-images.sh (dockerfiles) and deploy.sh (manifests).
//   node scripts/deploy/check-deployment.js COMMAND ARGUMENTS...
// The commands and their arguments: COMMANDS, below (or run it without any). Each prints one
// line per problem and exits 1 if there is any (2 for a wrong command line).
const {
  accessSync,
  constants,
  lstatSync,
  readFileSync,
  readdirSync,
  statSync,
} = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const YAML = require('yaml');

/**
 * The parts of the Kubernetes objects, compose files and values the checks read: anything may
 * be missing from a hand-written or broken file.
 * @typedef {{ name: string, value?: unknown, valueFrom?: { secretKeyRef?: { key?: string } } }} EnvVar
 * @typedef {object} Container
 * @property {string} name
 * @property {string} [image]
 * @property {EnvVar[]} [env]
 * @property {Record<string, Record<string, unknown> | undefined>} [resources]
 * @property {SecurityContext} [securityContext]
 * @typedef {object} SecurityContext
 * @property {boolean} [runAsNonRoot]
 * @property {{ type?: string }} [seccompProfile]
 * @property {boolean} [allowPrivilegeEscalation]
 * @property {{ drop?: string[] }} [capabilities]
 * @typedef {{ containers?: Container[], initContainers?: Container[], securityContext?: SecurityContext }} PodSpec
 * @typedef {object} Spec
 * @property {{ rollingUpdate?: { maxUnavailable?: unknown } }} [strategy]
 * @property {{ name: string }} [scaleTargetRef]
 * @property {unknown[]} [volumeClaimTemplates]
 * @property {{ metadata?: { labels?: Record<string, string> }, spec?: PodSpec }} [template]
 * @property {{ spec?: Spec }} [jobTemplate]
 * @typedef {object} K8sObject
 * @property {string} kind
 * @property {{ name: string, namespace?: unknown }} metadata
 * @property {Spec} [spec]
 * @property {Record<string, unknown>} [data]
 * @property {Record<string, unknown>} [stringData]
 * @typedef {object} ComposeService
 * @property {unknown} [healthcheck]
 * @property {unknown[]} [ports]
 * @property {string[] | Record<string, { condition?: string } | null>} [depends_on]
 * @property {(string | { source?: string })[]} [volumes]
 * @property {string | { context?: string, dockerfile?: string, args?: Record<string, unknown> }} [build]
 * @property {string[] | Record<string, unknown>} [environment]
 * @typedef {{ services?: Record<string, ComposeService>, volumes?: Record<string, unknown> }} Compose
 */

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'IngressClass',
  'PriorityClass',
]);
// Names that carry a secret: never a literal in a manifest or a values file.
const SECRET_NAME = /(PASSWORD|SECRET|SIGNING_KEYS|COOKIE_KEYS|MACHINE_CLIENTS|TOKEN$|PRIVATE)/i;
// Keys that name a Secret rather than hold one.
const SECRET_REFERENCE = /(existingSecret|secretName)$/;
// What a secret-named variable may hold literally: references to other variables, $(NAME),
// which Kubernetes expands from the Secret, or a switch (MARIADB_RANDOM_ROOT_PASSWORD=yes).
const NOT_A_SECRET = /^((\$\([A-Z0-9_]+\))+|yes|no|true|false)$/;
// A password inside a URL: user:password@host.
const URL_PASSWORD = /:\/\/[^/:@\s]+:([^@\s]+)@/;
// YAML 1.2 (`.` is a path, `yes` a word), with the merge keys (<<) docker-compose.yml's
// anchors use.
const YAML_OPTIONS = { merge: true };

/** @type {string[]} */
const problems = [];
/** @param {string} where @param {string} message */
const problem = (where, message) => problems.push(`${where}: ${message}`);

/** A text file with its line ends made \n. @param {string} file */
const readText = (file) => readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');

/** @param {string} file @returns {unknown} */
const loadYaml = (file) => YAML.parse(readText(file), YAML_OPTIONS);

/** The documents of a YAML stream, the empty ones left out. @param {string} file */
function loadAll(file) {
  return YAML.parseAllDocuments(readText(file), YAML_OPTIONS)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return /** @type {unknown} */ (doc.toJS());
    })
    .filter(filled);
}

/** Whether a value says anything: not absent, false, 0, '', nor an empty list or mapping. */
const filled = (/** @type {unknown} */ value) =>
  typeof value === 'object' && value !== null ? Object.keys(value).length > 0 : Boolean(value);

/** A YAML mapping, not a list nor a scalar. */
const isMapping = (/** @type {unknown} */ value) =>
  Object.prototype.toString.call(value) === '[object Object]';

/** A value as the messages quote it: 'text', or None when absent. @param {unknown} value */
function quote(value) {
  if (value == null) return 'None';
  if (typeof value !== 'string') return String(value);
  const mark = value.includes("'") && !value.includes('"') ? '"' : "'";
  return mark + value.replaceAll('\\', '\\\\').replaceAll(mark, `\\${mark}`) + mark;
}

/** Whether a file system call succeeds. @param {() => unknown} call */
function succeeds(call) {
  try {
    return call() !== false;
  } catch {
    return false;
  }
}
const exists = (/** @type {string} */ file) => succeeds(() => statSync(file));
const lexists = (/** @type {string} */ file) => succeeds(() => lstatSync(file));
const isDirectory = (/** @type {string} */ file) => succeeds(() => statSync(file).isDirectory());
const executable = (/** @type {string} */ file) => succeeds(() => accessSync(file, constants.X_OK));

/** What is in one set and not the other, sorted. @param {Set<string>} a @param {Set<string>} b */
const sortedDifference = (a, b) => [...a].filter((item) => !b.has(item)).sort();

/** @param {K8sObject} doc @returns {PodSpec} */
function podSpec(doc) {
  const spec = doc.kind === 'CronJob' ? doc.spec?.jobTemplate?.spec : doc.spec;
  return spec?.template?.spec ?? {};
}

// ----------------------------------------------------------------------------- manifests

/** @param {string} file @param {string} namespace */
function checkManifests(file, namespace) {
  const docs = /** @type {K8sObject[]} */ (loadAll(file));
  if (docs.length === 0) problem(file, 'renders nothing');
  /** @type {Set<string>} */ const deployments = new Set();
  /** @type {Set<string>} */ const autoscaled = new Set();
  /** @type {Set<string>} */ const budgeted = new Set();
  for (const doc of docs) {
    const { kind } = doc;
    const { name } = doc.metadata;
    const where = `${file}: ${kind}/${name}`;
    if (!CLUSTER_SCOPED.has(kind) && doc.metadata.namespace !== namespace) {
      problem(where, `namespace ${quote(doc.metadata.namespace)}, not ${quote(namespace)}`);
    }
    if (kind === 'Secret' && (filled(doc.data) || filled(doc.stringData))) {
      problem(where, 'a Secret with values rendered from values files');
    }
    if (kind === 'Deployment') {
      // A canary track runs a fixed number of pods for the length of a release, and the
      // stable track's budget selects its pods too (an eviction refuses a pod two select).
      if (doc.spec?.template?.metadata?.labels?.track !== 'canary') deployments.add(name);
      for (const container of podSpec(doc).containers ?? []) checkStorePasswords(where, container);
      const maxUnavailable = doc.spec?.strategy?.rollingUpdate?.maxUnavailable;
      if (![0, '0', '0%'].some((none) => none === maxUnavailable)) {
        problem(where, 'a rolling update may take a pod away before its successor is ready');
      }
    }
    if (kind === 'HorizontalPodAutoscaler') autoscaled.add(doc.spec?.scaleTargetRef?.name ?? '');
    if (kind === 'PodDisruptionBudget') budgeted.add(name);
    if (kind === 'StatefulSet' && !filled(doc.spec?.volumeClaimTemplates)) {
      problem(where, 'a StatefulSet without a persistent volume');
    }
    // A Job's container runs to its end: no probe to answer.
    if (WORKLOADS.has(kind)) checkPod(where, podSpec(doc), !['Job', 'CronJob'].includes(kind));
  }
  checkKafkaUsers(file, docs);
  for (const name of sortedDifference(deployments, budgeted)) {
    problem(file, `Deployment/${name} has no PodDisruptionBudget`);
  }
  for (const name of sortedDifference(deployments, autoscaled)) {
    problem(file, `Deployment/${name} has no HorizontalPodAutoscaler`);
  }
}

/** @param {string} where @param {PodSpec} spec @param {boolean} [probed] */
function checkPod(where, spec, probed = true) {
  for (const container of spec.containers ?? []) {
    const at = `${where}: container ${container.name}`;
    for (const probe of probed ? ['livenessProbe', 'readinessProbe'] : []) {
      if (!(probe in container)) problem(at, `no ${probe}`);
    }
    checkResources(at, container);
    checkEnv(at, container);
    const image = container.image ?? '';
    if (image.endsWith(':latest') || !image.slice(image.lastIndexOf('/') + 1).includes(':')) {
      problem(at, `image ${quote(image)} has no fixed tag`);
    }
  }
  for (const container of spec.initContainers ?? []) {
    const at = `${where}: init container ${container.name}`;
    checkResources(at, container);
    checkEnv(at, container);
  }
  checkRestricted(where, spec);
}

/**
 * What the `restricted` Pod Security Standard asks of a pod, which the namespaces enforce
 * (scripts/pipeline/deploy.sh labels them): not root, the runtime's seccomp profile, no
 * privilege escalation, every capability dropped.
 * @param {string} where @param {PodSpec} spec
 */
function checkRestricted(where, spec) {
  const pod = spec.securityContext ?? {};
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const at = `${where}: container ${container.name}`;
    const own = container.securityContext ?? {};
    if (!(own.runAsNonRoot ?? pod.runAsNonRoot)) problem(at, 'may run as root (restricted)');
    if ((own.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault') {
      problem(at, 'no RuntimeDefault seccomp profile (restricted)');
    }
    if (own.allowPrivilegeEscalation !== false) problem(at, 'may escalate privileges (restricted)');
    if (!own.capabilities?.drop?.includes('ALL')) problem(at, 'keeps capabilities (restricted)');
  }
}

/** @param {string} at @param {Container} container */
function checkResources(at, container) {
  for (const bound of ['requests', 'limits']) {
    const given = container.resources?.[bound] ?? {};
    for (const resource of ['cpu', 'memory']) {
      if (!(resource in given)) problem(at, `no ${resource} in resources.${bound}`);
    }
  }
}

// A store password of the Secret: <SERVICE>_MYSQL_PASSWORD, MYSQL_ROOT_PASSWORD,
// <SERVICE>_KAFKA_PASSWORD (ADMIN_KAFKA_PASSWORD is no service's), ...
const STORE_PASSWORD = /^(?:([A-Z0-9]+)_)?(?:MYSQL|MONGODB|KAFKA)_(ROOT_)?PASSWORD$/;

/** The principals of shared-kernel/kafka-acls.json: a Kafka user per process. */
const kafkaPrincipals = () =>
  Object.keys(
    JSON.parse(readText(path.join(__dirname, '../../shared-kernel/kafka-acls.json'))).principals,
  );

/**
 * Each principal of shared-kernel/kafka-acls.json is a Deployment's container that is that
 * Kafka user (KAFKA_SASL_USERNAME, its password from <PRINCIPAL>_KAFKA_PASSWORD), and the
 * chart's own brokers create every one of them (and the super user).
 * @param {string} file @param {K8sObject[]} docs
 */
function checkKafkaUsers(file, docs) {
  const principals = kafkaPrincipals();
  const containers = docs
    .filter((doc) => doc.kind === 'Deployment')
    .flatMap((doc) => podSpec(doc).containers ?? []);
  for (const principal of principals) {
    const container = containers.find((each) => each.name === principal);
    const env = Object.fromEntries((container?.env ?? []).map((v) => [v.name, v]));
    const key = `${principal.toUpperCase()}_KAFKA_PASSWORD`;
    if (env.KAFKA_SASL_USERNAME?.value !== principal) {
      problem(file, `the ${principal} container is not Kafka's user ${principal}`);
    }
    if (env.KAFKA_SASL_PASSWORD?.valueFrom?.secretKeyRef?.key !== key) {
      problem(file, `the ${principal} container's KAFKA_SASL_PASSWORD is not the Secret's ${key}`);
    }
  }
  for (const doc of docs.filter((each) => each.kind === 'StatefulSet')) {
    const [broker] = podSpec(doc).containers ?? [];
    if (broker?.name !== 'kafka') continue;
    const keys = new Set((broker.env ?? []).map((v) => v.valueFrom?.secretKeyRef?.key));
    for (const user of ['admin', ...principals]) {
      const key = `${user.toUpperCase()}_KAFKA_PASSWORD`;
      if (!keys.has(key)) problem(file, `Kafka does not create the user ${user} (no ${key})`);
    }
  }
}

/**
 * A service's container gets its own store passwords only: no other service's, no root's.
 * @param {string} where @param {Container} container
 */
function checkStorePasswords(where, container) {
  for (const variable of container.env ?? []) {
    const key = variable.valueFrom?.secretKeyRef?.key ?? variable.name;
    const match = STORE_PASSWORD.exec(key);
    if (match && (match[2] || match[1] !== container.name.toUpperCase())) {
      problem(`${where}: container ${container.name}`, `gets ${key}, not its own`);
    }
  }
}

/** @param {string} at @param {Container} container */
function checkEnv(at, container) {
  for (const { name, value } of container.env ?? []) {
    if (value == null) continue;
    const text = String(value);
    if (SECRET_NAME.test(name) && !NOT_A_SECRET.test(text)) {
      problem(at, `${name} is a literal, not from a Secret`);
    }
    const password = URL_PASSWORD.exec(text)?.[1];
    if (password !== undefined && !NOT_A_SECRET.test(password)) {
      problem(at, `${name} holds a password in its URL, not from a Secret`);
    }
  }
}

// ----------------------------------------------------------------------------- values

/** @param {string[]} files */
function checkValues(files) {
  for (const file of files) {
    for (const doc of loadAll(file)) {
      walkValues(file, doc, '');
      checkAutoscaledReplicas(file, doc);
    }
  }
}

/**
 * With autoscaling on, the chart leaves `replicas` out of the Deployment (the autoscaler owns
 * it, and helm would reset it at every upgrade): a `replicas` beside it does nothing.
 * @param {string} file @param {unknown} doc
 */
function checkAutoscaledReplicas(file, doc) {
  const components = isMapping(doc)
    ? /** @type {Record<string, any>} */ (doc).components
    : undefined;
  for (const [name, component] of Object.entries(components ?? {})) {
    if (component?.autoscaling?.enabled === true && 'replicas' in component) {
      problem(
        file,
        `components.${name}.replicas does nothing with autoscaling on: set autoscaling.minReplicas`,
      );
    }
  }
}

/** @param {string} file @param {unknown} node @param {string} at */
function walkValues(file, node, at) {
  if (Array.isArray(node)) {
    node.forEach((value, index) => walkValues(file, value, `${at}[${index}]`));
  } else if (isMapping(node)) {
    for (const [key, value] of Object.entries(/** @type {Record<string, unknown>} */ (node))) {
      const here = at ? `${at}.${key}` : key;
      const literal = !Array.isArray(value) && !isMapping(value) && value != null && value !== '';
      if (SECRET_NAME.test(key) && !SECRET_REFERENCE.test(key) && literal) {
        problem(file, `${here} holds a secret; give it at deploy time or in a Secret`);
      }
      walkValues(file, value, here);
    }
  }
}

// ----------------------------------------------------------------------------- compose

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)/g;

/** @param {string} file */
const envExampleNames = (file) =>
  readText(file)
    .split('\n')
    .flatMap((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1] ?? []);

/**
 * What a service waits for, with the condition; the short form (a list) waits for the start.
 * @param {ComposeService} service @returns {[string, string | undefined][]}
 */
function dependencies({ depends_on: dependsOn }) {
  if (Array.isArray(dependsOn)) return dependsOn.map((target) => [target, 'service_started']);
  return Object.entries(dependsOn ?? {}).map(([target, how]) => [target, how?.condition]);
}

/** The environment's names, whether compose gives it as a mapping or as NAME=value lines. */
const environmentNames = (/** @type {ComposeService} */ { environment }) =>
  Array.isArray(environment)
    ? environment.map((line) => line.split('=')[0])
    : Object.keys(environment ?? {});

/**
 * A compose value as Kubernetes would write it, for checkEnv: ${NAME} or ${NAME:-} (from .env,
 * no default) as $(NAME), and $$ as $. A default, ${NAME:-value}, stays the literal it is.
 * @param {unknown} value
 */
const composeValueAsKubernetes = (value) =>
  String(value)
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)?\}/g, (_, name) => `$(${name})`)
    .replaceAll('$$', '$');

/** Joined as written, not normalised: the messages quote paths as the files give them. */
const joinAsWritten = (/** @type {string} */ base, /** @type {string} */ relative) =>
  relative.startsWith('/') || base === '' ? relative : `${base.replace(/\/$/, '')}/${relative}`;

/** @param {string} composeFile @param {string} envExampleFile */
function checkCompose(composeFile, envExampleFile) {
  const text = readText(composeFile);
  const compose = /** @type {Compose} */ (YAML.parse(text, YAML_OPTIONS));
  const services = compose.services ?? {};
  const volumes = new Set(Object.keys(compose.volumes ?? {}));
  const documented = new Set(envExampleNames(envExampleFile));
  const used = new Set(Array.from(text.matchAll(INTERPOLATION), (match) => match[1]));
  for (const name of sortedDifference(used, documented)) {
    problem(composeFile, `\${${name}} is not in ${envExampleFile}`);
  }
  for (const name of sortedDifference(documented, used)) {
    problem(envExampleFile, `${name} is not used by ${composeFile}`);
  }
  // No secret has a literal default: what .env leaves empty is generated (secrets-init).
  for (const line of readText(envExampleFile).split('\n')) {
    const [, name, value] = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line) ?? [];
    if (name && SECRET_NAME.test(name) && value !== '') {
      problem(envExampleFile, `${name} has a value; a secret left empty is generated`);
    }
  }
  // A one-shot service (others wait for it to complete) needs no healthcheck.
  const oneShot = new Set(
    Object.values(services).flatMap((service) =>
      dependencies(service)
        .filter(([, condition]) => condition === 'service_completed_successfully')
        .map(([target]) => target),
    ),
  );
  const base = path.dirname(composeFile);
  for (const [name, service] of Object.entries(services)) {
    const where = `${composeFile}: service ${name}`;
    if (!('healthcheck' in service) && !oneShot.has(name)) problem(where, 'no healthcheck');
    const environment = Array.isArray(service.environment)
      ? service.environment.map((line) => line.split(/=(.*)/s).slice(0, 2))
      : Object.entries(service.environment ?? {});
    checkEnv(where, {
      env: environment.map(([key, value]) => ({
        name: key,
        value: composeValueAsKubernetes(value),
      })),
    });
    // One published port, in front of the gateway's replicas (which could not share one).
    if (filled(service.ports) && name !== 'edge') {
      problem(where, 'publishes a port; only the edge proxy may');
    }
    for (const [target, condition] of dependencies(service)) {
      if (!Object.hasOwn(services, target)) {
        problem(where, `depends on ${target}, which is no service`);
      } else if (condition === 'service_healthy' && !('healthcheck' in services[target])) {
        problem(where, `waits for ${target} to be healthy, which has no healthcheck`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      if (source === undefined) continue; // a tmpfs: nothing to find
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!exists(path.resolve(base, source)))
          problem(where, `mounts ${source}, which does not exist`);
      } else if (!volumes.has(source)) {
        problem(where, `uses volume ${source}, which is not declared`);
      }
    }
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    if (build && filled(build)) {
      const dockerfile = joinAsWritten(build.context ?? '.', build.dockerfile ?? 'Dockerfile');
      if (!exists(path.resolve(base, dockerfile))) {
        problem(where, `builds from ${dockerfile}, which does not exist`);
      }
      // The shared Node Dockerfile builds the workspace its WORKSPACE argument names.
      const workspace = build.args?.WORKSPACE;
      if (
        typeof workspace === 'string' &&
        !exists(path.resolve(base, build.context ?? '.', workspace, 'package.json'))
      ) {
        problem(where, `builds the workspace ${workspace}, which does not exist`);
      }
    }
  }
}

// ----------------------------------------------------------------------------- dockerfiles

/**
 * [INSTRUCTION, arguments] pairs, continuation lines joined, comments dropped.
 * @param {string} file @returns {[string, string][]}
 */
function dockerfileInstructions(file) {
  return readText(file)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      if (space < 0) return [line.toUpperCase(), ''];
      return [line.slice(0, space).toUpperCase(), line.slice(space + 1).trim()];
    });
}

/** A shell pattern as a regular expression: `*` and `?` match any character, `/` too. */
function patternRegExp(/** @type {string} */ pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    const end = char === '[' ? setEnd(pattern, i) : -1;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (end > 0) {
      const set = pattern.slice(i + 1, end).replaceAll('\\', '\\\\');
      source += `[${set.startsWith('!') ? `^${set.slice(1)}` : set.replace(/^[\^[]/, '\\$&')}]`;
      i = end;
    } else source += char.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Where a [set] starting at `start` ends, or -1 if it does not: a ] right after the [ or [!
 * is one of its characters. @param {string} pattern @param {number} start
 */
function setEnd(pattern, start) {
  let end = start + 1;
  if (pattern[end] === '!') end += 1;
  if (pattern[end] === ']') end += 1;
  return pattern.indexOf(']', end);
}

/** @param {string} name @param {string} pattern */
const matches = (name, pattern) => patternRegExp(pattern).test(name);

/**
 * Whether .dockerignore leaves a path out of the build context: the last pattern that matches
 * it, or a directory above it, decides.
 * @param {string} file @param {string[]} patterns
 */
function dockerignored(file, patterns) {
  let ignored = false;
  for (const line of patterns) {
    const pattern = line.replace(/^!+/, '').replace(/\/+$/, '');
    const candidates = [pattern, `${pattern}/*`];
    if (pattern.startsWith('**/')) candidates.push(pattern.slice(3), `${pattern.slice(3)}/*`);
    if (candidates.some((candidate) => matches(file, candidate))) ignored = !line.startsWith('!');
  }
  return ignored;
}

const MAGIC = /[*?[]/;

/**
 * The paths a COPY source names, expanded as a shell does: one path segment at a time, hidden
 * names only for a pattern that starts with a dot.
 * @param {string} pattern @param {boolean} [directoriesOnly] @returns {string[]}
 */
function glob(pattern, directoriesOnly = false) {
  const slash = pattern.lastIndexOf('/');
  const directory = slash < 0 ? '' : pattern.slice(0, slash + 1).replace(/(.)\/+$/, '$1');
  const name = pattern.slice(slash + 1);
  if (!MAGIC.test(pattern))
    return (name ? lexists(pattern) : isDirectory(pattern)) ? [pattern] : [];
  const parents = !directory ? ['.'] : MAGIC.test(directory) ? glob(directory, true) : [directory];
  return parents.flatMap((parent) => {
    /** @type {string[]} */
    let names;
    if (!MAGIC.test(name)) {
      names = (name ? lexists(path.join(parent, name)) : isDirectory(parent)) ? [name] : [];
    } else {
      try {
        names = readdirSync(parent).filter(
          (entry) =>
            (name.startsWith('.') || !entry.startsWith('.')) &&
            matches(entry, name) &&
            (!directoriesOnly || isDirectory(path.join(parent, entry))),
        );
      } catch {
        names = [];
      }
    }
    return names.map((entry) => path.join(parent, entry));
  });
}

/** @param {string} file */
function normalise(file) {
  const normal = path.normalize(file);
  return normal.length > 1 ? normal.replace(/\/$/, '') : normal;
}

// The images are built from the repository root, the working directory: COPY sources and
// .dockerignore's patterns are relative to it.
/** @param {string[]} files */
function checkDockerfiles(files) {
  const ignore = readText('.dockerignore')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.trim());
  /** @type {Set<string>} */
  const nodeVersions = new Set();
  for (const file of files) {
    let stages = 0;
    /** @type {string | undefined} */
    let user;
    let healthcheck = false;
    for (const [keyword, rest] of dockerfileInstructions(file)) {
      if (keyword === 'FROM') {
        stages += 1;
        user = undefined; // what counts is the final stage's
        healthcheck = false;
      } else if (keyword === 'ARG' && rest.startsWith('NODE_VERSION=')) {
        nodeVersions.add(rest.slice('NODE_VERSION='.length));
      } else if (keyword === 'USER') {
        user = rest;
      } else if (keyword === 'HEALTHCHECK') {
        healthcheck = true;
      } else if (keyword === 'COPY' && !rest.includes('--from=')) {
        const sources = rest
          .split(/\s+/)
          .filter((arg) => arg && !arg.startsWith('--'))
          .slice(0, -1);
        for (const source of sources) {
          if (glob(source).length === 0) {
            problem(file, `copies ${source}, which does not exist`);
          } else if (
            source !== '.' &&
            source !== './' &&
            dockerignored(normalise(source), ignore)
          ) {
            problem(file, `copies ${source}, which .dockerignore leaves out`);
          }
        }
      }
    }
    if (stages < 2) problem(file, 'not a multi-stage build');
    if (user === undefined || !/^[1-9][0-9]*(:[0-9]+)?$/.test(user)) {
      problem(file, `the final stage's USER is ${quote(user)}, not a numeric non-root user`);
    }
    if (!healthcheck) problem(file, 'no HEALTHCHECK');
  }
  if (nodeVersions.size > 1) {
    const versions = [...nodeVersions].sort().map(quote).join(', ');
    problem('Dockerfiles', `disagree on NODE_VERSION: [${versions}]`);
  }
}

// ----------------------------------------------------------------------------- env names

/** The variables of README.md's configuration table (its first column), each once. */
function readmeVariables(/** @type {string} */ file) {
  /** @type {Set<string>} */
  const names = new Set();
  let inTable = false;
  for (const line of readText(file).split('\n')) {
    if (line.startsWith('## ')) {
      inTable = line.trim() === '## Configuration reference';
    } else if (inTable && line.startsWith('| `')) {
      for (const [, name] of line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) {
        if (names.has(name))
          problem(file, `${name} is documented twice in the configuration table`);
        names.add(name);
      }
    }
  }
  return names;
}

/** @param {string} readme @param {string[]} composes @param {string[]} manifests */
function checkEnvNames(readme, composes, manifests) {
  const documented = readmeVariables(readme);
  if (documented.size === 0) {
    problem(readme, "no configuration table found under '## Configuration reference'");
    return;
  }
  for (const file of composes) {
    const { services = {} } = /** @type {Compose} */ (loadYaml(file));
    for (const [name, service] of Object.entries(services)) {
      if (!('build' in service)) continue; // third-party images: their own variables
      for (const variable of environmentNames(service)) {
        if (!documented.has(variable)) {
          problem(file, `service ${name}: ${variable} is not documented in ${readme}`);
        }
      }
    }
  }
  for (const file of manifests) {
    for (const doc of /** @type {K8sObject[]} */ (loadAll(file))) {
      /** @type {string[]} */
      let names = [];
      if (doc.kind === 'ConfigMap' && doc.metadata.name.endsWith('-config')) {
        names = Object.keys(doc.data ?? {});
      } else if (doc.kind === 'Deployment') {
        names = (podSpec(doc).containers ?? []).flatMap(({ env = [] }) => env.map((v) => v.name));
      }
      for (const variable of names.filter((name) => !documented.has(name))) {
        const object = `${doc.kind}/${doc.metadata.name}`;
        problem(file, `${object}: ${variable} is not documented in ${readme}`);
      }
    }
  }
}

// ----------------------------------------------------------------------------- jenkinsfile

/** @param {string} file */
function checkJenkinsfile(file) {
  const steps = Array.from(readText(file).matchAll(/\bsh\s+'([^']*)'/g), (match) => match[1]);
  if (steps.length === 0) problem(file, 'has no shell step');
  for (const step of steps) {
    const script = step.trim().split(/\s+/)[0];
    if (!/^scripts\/pipeline\/[a-z-]+\.sh$/.test(script)) {
      problem(file, `the step \`${step}\` runs no script of scripts/pipeline/`);
    } else if (!executable(script)) {
      problem(file, `the step \`${step}\` runs ${script}, which is missing or not executable`);
    }
  }
}

// ----------------------------------------------------------------------------- network flows

/**
 * The flows README.md's "Allowed network flows" table lists, as `from -> to:port` (a row's
 * `from` and `to` may name several, comma-separated).
 * @param {string} readme
 */
function documentedFlows(readme) {
  const text = readText(readme);
  /** @type {Set<string>} */ const flows = new Set();
  const start = text.indexOf('### Allowed network flows');
  const lines = start < 0 ? [] : text.slice(start).split('\n');
  // The section's first table: from its header to the first line that is not a row.
  const header = lines.findIndex((line) => line.startsWith('| from |'));
  if (header < 0) {
    problem(readme, 'has no table under "### Allowed network flows"');
    return flows;
  }
  const end = lines.findIndex((line, index) => index > header && !line.startsWith('|'));
  const rows = lines.slice(header + 2, end < 0 ? undefined : end);
  for (const row of rows) {
    const [from, to, port] = row
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.replaceAll('`', '').trim());
    for (const source of from.split(',')) {
      for (const target of to.split(',')) flows.add(`${source.trim()} -> ${target.trim()}:${port}`);
    }
  }
  return flows;
}

/**
 * Which peer a NetworkPolicy rule names: a component's pods (by their component label), an
 * external store's addresses, or one of the values' outside peers (`networkPolicy.peers`).
 * @param {Record<string, any>} peer @param {Record<string, unknown>} outside
 */
function peerName(peer, outside) {
  const component = peer.podSelector?.matchLabels?.['app.kubernetes.io/component'];
  if (component && !peer.namespaceSelector) return component;
  if (peer.ipBlock) return 'any address';
  const json = JSON.stringify(peer);
  return Object.entries(outside).find(([, each]) => JSON.stringify(each) === json)?.[0] ?? json;
}

/**
 * The rendered policies allow exactly the documented flows: each policy's ingress and egress
 * rules, read back as `from -> to:port` (an external store is any address: its flows are
 * checked by port), besides DNS.
 * @param {string} manifests @param {string} values @param {string} readme
 */
function checkNetworkFlows(manifests, values, readme) {
  const { networkPolicy } = /** @type {Record<string, any>} */ (
    YAML.parse(readText(values), YAML_OPTIONS)
  );
  const outside = networkPolicy.peers;
  const dns = JSON.stringify(networkPolicy.dns);
  const policies = /** @type {K8sObject[]} */ (loadAll(manifests)).filter(
    (doc) => doc.kind === 'NetworkPolicy',
  );
  if (
    !policies.some(
      (policy) =>
        !filled(policy.spec?.podSelector) && !policy.spec?.ingress && !policy.spec?.egress,
    )
  ) {
    problem(manifests, 'no default-deny NetworkPolicy');
  }
  /** @type {Set<string>} */ const rendered = new Set();
  for (const policy of policies) {
    const self = policy.spec?.podSelector?.matchLabels?.['app.kubernetes.io/component'];
    if (!self) continue;
    for (const rule of policy.spec.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        for (const { port } of rule.ports ?? [])
          rendered.add(`${peerName(peer, outside)} -> ${self}:${port}`);
      }
    }
    for (const rule of policy.spec.egress ?? []) {
      for (const peer of rule.to ?? []) {
        if (JSON.stringify(peer) === dns) continue;
        for (const { port } of rule.ports ?? [])
          rendered.add(`${self} -> ${peerName(peer, outside)}:${port}`);
      }
    }
  }
  const documented = documentedFlows(readme);
  // A flow to a store outside the cluster is rendered as one to any address on its port.
  const toAnyAddress = (/** @type {string} */ flow) =>
    flow.replace(/-> (kafka|mysql|mongodb|eventstoredb):/, '-> any address:');
  const expected = new Set(
    [...documented].flatMap((flow) => (rendered.has(flow) ? [flow] : [toAnyAddress(flow)])),
  );
  for (const flow of sortedDifference(rendered, expected)) {
    problem(manifests, `allows ${flow}, which README.md's flows do not list`);
  }
  for (const flow of sortedDifference(expected, rendered)) {
    problem(manifests, `does not allow ${flow}, which README.md's flows list`);
  }
}

// ----------------------------------------------------------------------------- main

/**
 * @typedef {{ namespace?: string, compose?: string[], manifests?: string[] }} Options
 * @typedef {object} Command
 * @property {string} usage
 * @property {string} what
 * @property {[number, number]} count  how many arguments, at least and at most
 * @property {(keyof Options)[]} [options]
 * @property {(args: string[], options: Options) => void} run
 */

/** @type {Record<string, Command>} */
const COMMANDS = {
  manifests: {
    usage: 'FILE --namespace NS',
    what: 'the chart rendered for one environment',
    count: [1, 1],
    options: ['namespace'],
    run: ([file], { namespace }) => checkManifests(file, required(namespace, '--namespace')),
  },
  values: {
    usage: 'FILE...',
    what: 'Helm values files hold no secret',
    count: [1, Infinity],
    run: (files) => checkValues(files),
  },
  compose: {
    usage: 'COMPOSE ENV_EXAMPLE',
    what: 'docker-compose.yml against .env.example and itself; no literal secret or default',
    count: [2, 2],
    run: ([compose, envExample]) => checkCompose(compose, envExample),
  },
  dockerfiles: {
    usage: 'FILE...',
    what: 'every Dockerfile: what it copies exists, non-root, healthcheck',
    count: [1, Infinity],
    run: (files) => checkDockerfiles(files),
  },
  'env-names': {
    usage: 'README (--compose FILE | --manifests FILE)...',
    what:
      "every variable compose and Helm hand the platform's processes is documented, once,\n" +
      "in README.md's configuration table",
    count: [1, 1],
    options: ['compose', 'manifests'],
    run: ([readme], options) =>
      checkEnvNames(readme, options.compose ?? [], options.manifests ?? []),
  },
  'network-flows': {
    usage: 'MANIFESTS VALUES README',
    what: 'the rendered NetworkPolicies allow exactly the flows README.md lists',
    count: [3, 3],
    run: ([manifests, values, readme]) => checkNetworkFlows(manifests, values, readme),
  },
  jenkinsfile: {
    usage: 'FILE',
    what: 'every shell step runs an executable pipeline script',
    count: [1, 1],
    run: ([file]) => checkJenkinsfile(file),
  },
};

class UsageError extends Error {}

/** @template T @param {T | undefined} value @param {string} option @returns {T} */
function required(value, option) {
  if (value === undefined) throw new UsageError(`${option} is required`);
  return value;
}

/** @param {unknown} error */
const wrongCommandLine = (error) =>
  error instanceof UsageError ||
  (error instanceof TypeError &&
    String(/** @type {NodeJS.ErrnoException} */ (error).code).startsWith('ERR_PARSE_ARGS'));

/** @param {string[]} argv */
function run(argv) {
  const [name = '', ...rest] = argv;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(name ? `no command ${name}` : 'which command?');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      namespace: { type: 'string' },
      compose: { type: 'string', multiple: true },
      manifests: { type: 'string', multiple: true },
    },
  });
  const allowed = /** @type {string[]} */ (command.options ?? []);
  const foreign = Object.keys(values).find((option) => !allowed.includes(option));
  if (foreign) throw new UsageError(`${name} takes no --${foreign}`);
  const [least, most] = command.count;
  if (positionals.length < least || positionals.length > most) {
    throw new UsageError(`${name} ${command.usage}`);
  }
  command.run(positionals, values);
}

/** @param {string[]} argv @returns {number} the exit status */
function main(argv) {
  try {
    run(argv);
  } catch (error) {
    if (!wrongCommandLine(error)) throw error;
    const usage = Object.entries(COMMANDS).map(([name, command]) => {
      return `  ${name} ${command.usage}\n      ${command.what.replaceAll('\n', '\n      ')}\n`;
    });
    const message = /** @type {Error} */ (error).message;
    process.stderr.write(`usage: check-deployment.js COMMAND ...\n${usage.join('')}${message}\n`);
    return 2;
  }
  for (const line of problems) process.stdout.write(`  ${line}\n`);
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
