// Integration and end-to-end tiers talk to real servers: give their tests room.
jest.setTimeout(60_000);
