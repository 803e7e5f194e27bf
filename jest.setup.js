// Integration tiers talk to real servers: give them room, unit tests keep jest's default.
const path = expect.getState().testPath ?? '';
if (!path.endsWith('.unit.spec.ts')) jest.setTimeout(60_000);
