import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { PlatformClient, ServiceUrls } from './platform-client';
import { ScenarioUsers } from './scenario';

/** The scenario's people, each with a real signed token carrying their roles. */
export async function scenarioUsers(
  issuer: TestTokenIssuer,
  urls: ServiceUrls,
): Promise<ScenarioUsers> {
  const as = async (userId: string, roles: string[]) =>
    new PlatformClient(urls, await issuer.token({ userId, roles, expiresIn: 3_600 }));
  return {
    tramitador: await as('ana.tramitadora', ['tramitador']),
    validador: await as('victor.validador', ['validador']),
    admin: await as('alba.admin', ['admin']),
  };
}
