// Layer rules of the hexagon, checked by `npm run lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'A domain layer imports nothing outside its own domain folder (node built-ins neither) ' +
        "but the kernel's framework-free core (its building blocks and published language).",
      severity: 'error',
      from: { path: '^(services/[^/]+/src/domain|shared-kernel/src/domain)/' },
      to: { pathNot: ['^$1/', '^shared-kernel/src/(index[.]ts$|domain/)'] },
    },
    {
      name: 'application-has-no-infrastructure',
      comment: 'Application code depends on ports, never on adapters, frameworks or drivers.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/application/' },
      to: {
        path: [
          '^services/[^/]+/src/infrastructure/',
          '^shared-kernel/src/adapters/',
          'node_modules/(express|kafkajs|mongodb|mysql2|better-sqlite3|@eventstore|inversify|passport)',
        ],
      },
    },
    {
      name: 'no-service-imports-another',
      comment: 'Services share only shared-kernel; they talk through Kafka.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'gateway-sees-only-composition-roots',
      comment:
        'The embedded launcher composes services through their composition roots, never their insides.',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: '^services/[^/]+/src/(domain|application|infrastructure)/' },
    },
    {
      name: 'shared-kernel-knows-no-service',
      severity: 'error',
      from: { path: '^shared-kernel/' },
      to: { path: '^(services|gateway|frontend)/' },
    },
    {
      name: 'kernel-core-has-no-drivers',
      comment:
        'The kernel core (domain, messaging, ports, saga) is framework-free; drivers live in adapters.',
      severity: 'error',
      from: { path: '^shared-kernel/src/(domain|messaging|ports|saga|contracts)/' },
      to: { path: ['^shared-kernel/src/adapters/', 'node_modules/(?!zod/)'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default'],
    },
  },
};
