import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** An IPv6 address's first four groups: one subscriber gets a whole /64. */
function network64(address: string): string {
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** One key per client: IPv4 as it is (also when mapped into IPv6), IPv6 by its /64. */
function clientKey(address: string): string {
  const plain = address.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIP(plain) === 6 ? network64(plain.toLowerCase()) : plain;
}

/**
 * Who sent a request, for counting their sign-in attempts. Behind a trusted proxy (the
 * gateway, or the one in front of the embedded process), the address it added last to
 * X-Forwarded-For, the only one it vouches for: the entries before it are the client's word.
 */
export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')
        .pop()
        ?.trim()
    : undefined;
  const address = forwarded && isIP(forwarded) ? forwarded : req.socket.remoteAddress;
  return address && clientKey(address);
}
