import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { PasswordHasher } from '../../domain/password-hasher';

export interface ScryptCost {
  /** CPU and memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's scrypt baseline is N=2^17; 2^15 with r=8 costs 32 MiB and ~100 ms a sign-in here. */
export const defaultScryptCost: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const keyLength = 32;
const saltLength = 16;
const encoding = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

const derive = (password: string, salt: Buffer, cost: ScryptCost, length: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const options: ScryptOptions = {
      ...cost,
      // scrypt needs 128 * N * r bytes; node's default ceiling (32 MiB) is just below that.
      maxmem: 256 * cost.N * cost.r,
    };
    // The callback form runs on libuv's thread pool, so a sign-in does not block the process.
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

/**
 * Passwords hashed with scrypt (node:crypto): a random salt per password, and the cost
 * parameters stored with the hash (`scrypt$N=..,r=..,p=..$salt$hash`), so raising the cost
 * later leaves the stored passwords valid.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  constructor(private readonly cost: ScryptCost = defaultScryptCost) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(saltLength);
    const key = await derive(password, salt, this.cost, keyLength);
    const { N, r, p } = this.cost;
    return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    const parts = encoding.exec(hash);
    if (!parts) return false;
    const [, N, r, p, salt, stored] = parts;
    const expected = Buffer.from(stored, 'base64url');
    if (expected.length < saltLength) return false;
    const key = await derive(
      password,
      Buffer.from(salt, 'base64url'),
      { N: Number(N), r: Number(r), p: Number(p) },
      expected.length,
    );
    return timingSafeEqual(key, expected);
  }
}

/** A password for the first administrator: 144 random bits, typeable. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');
