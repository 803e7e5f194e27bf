import { randomBytes } from 'node:crypto';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { PlatformClient, ServiceUrls } from './platform-client';
import { ScenarioUsers } from './scenario';

/** The scenario's people: who they are and their roles. */
const people: Readonly<Record<keyof ScenarioUsers, { userId: string; roles: string[] }>> = {
  tramitador: { userId: 'ana.tramitadora', roles: ['tramitador'] },
  validador: { userId: 'victor.validador', roles: ['validador'] },
  admin: { userId: 'alba.admin', roles: ['admin'] },
};

/** The scenario's people, each with a real signed token carrying their roles. */
export async function scenarioUsers(
  issuer: TestTokenIssuer,
  urls: ServiceUrls,
): Promise<ScenarioUsers> {
  const as = async ({ userId, roles }: { userId: string; roles: string[] }) =>
    new PlatformClient(urls, await issuer.token({ userId, roles, expiresIn: 3_600 }));
  return {
    tramitador: await as(people.tramitador),
    validador: await as(people.validador),
    admin: await as(people.admin),
  };
}

/**
 * The scenario's people as machine clients of a real authorization server (its
 * AUTH_MACHINE_CLIENTS): a client's id is the subject of its tokens, so each one acts as
 * the person it is named after.
 */
export const scenarioMachineClients = (): Array<{
  clientId: string;
  secret: string;
  roles: string[];
}> =>
  Object.values(people).map(({ userId, roles }) => ({
    clientId: userId,
    secret: randomBytes(32).toString('base64url'),
    roles,
  }));

/** An access token for a machine client, with the client credentials grant. */
export async function clientCredentialsToken(
  tokenEndpoint: string,
  client: { readonly clientId: string; readonly secret: string },
): Promise<string> {
  const basic = Buffer.from(`${client.clientId}:${client.secret}`).toString('base64');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  if (!response.ok) throw new Error(`no token for ${client.clientId}: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The scenario's people with client-credentials tokens from the issuer's token endpoint. */
export async function machineClientUsers(
  tokenEndpoint: string,
  clients: ReadonlyArray<{ clientId: string; secret: string }>,
  urls: ServiceUrls,
): Promise<ScenarioUsers> {
  const tokenOf = async (userId: string): Promise<string> => {
    const client = clients.find((each) => each.clientId === userId);
    if (!client) throw new Error(`no machine client ${userId}`);
    return clientCredentialsToken(tokenEndpoint, client);
  };
  const as = async (person: keyof ScenarioUsers) =>
    new PlatformClient(urls, await tokenOf(people[person].userId));
  return {
    tramitador: await as('tramitador'),
    validador: await as('validador'),
    admin: await as('admin'),
  };
}

/** Someone who signs in at the login page with a password. */
export interface Persona {
  readonly username: string;
  readonly nombre: string;
  readonly password: string;
  readonly roles: readonly string[];
}

/**
 * Creates `personas` through a user management API (`api`: where its /users answers, such as
 * the gateway's /api/v1), as an administrator does, with an admin's bearer `token`.
 */
export async function createUsers(
  api: string,
  token: string,
  personas: readonly Persona[],
): Promise<void> {
  for (const persona of personas) {
    const response = await fetch(`${api}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(persona),
    });
    if (response.status !== 201) {
      throw new Error(
        `user ${persona.username} not created: ${response.status} ${await response.text()}`,
      );
    }
  }
}
