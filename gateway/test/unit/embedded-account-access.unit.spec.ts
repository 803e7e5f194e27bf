import { Actor, IdentityVerifier, UnauthenticatedError } from '@expedientes/shared-kernel';
import { EmbeddedAccountAccess } from '../../src/embedded/embedded-account-access';

function auth(disabled: string[]) {
  let listener: ((username: string, activo: boolean) => void) | undefined;
  return {
    access: {
      disabled: async () => disabled,
      onAccessChanged: (each: (username: string, activo: boolean) => void) => (listener = each),
    },
    change: (username: string, activo: boolean) => listener?.(username, activo),
  };
}

const tokens: IdentityVerifier = {
  verify: async (credential) => ({ userId: credential, roles: ['tramitador'] }) as unknown as Actor,
};

describe('EmbeddedAccountAccess', () => {
  it('knows the users disabled before it started, and follows every change after', async () => {
    const { access, change } = auth(['pedro']);
    const accounts = await EmbeddedAccountAccess.of(access);
    expect([accounts.isDisabled('pedro'), accounts.isDisabled('ana')]).toEqual([true, false]);

    change('ana', false);
    change('pedro', true);

    expect([accounts.isDisabled('pedro'), accounts.isDisabled('ana')]).toEqual([false, true]);
  });

  it("refuses a disabled user's valid token, and takes it again once they are enabled", async () => {
    const { access, change } = auth([]);
    const accounts = await EmbeddedAccountAccess.of(access);
    const identity = accounts.verifying(tokens);
    await expect(identity.verify('ana')).resolves.toMatchObject({ userId: 'ana' });

    change('ana', false);
    await expect(identity.verify('ana')).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(identity.verify('luis')).resolves.toMatchObject({ userId: 'luis' });

    change('ana', true);
    await expect(identity.verify('ana')).resolves.toMatchObject({ userId: 'ana' });
  });
});
