import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { CallbackConfig } from '../../config/async-config';

/** Why a callback URL is refused: shown to the caller as the `callbackUrl` field error. */
export class CallbackRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CallbackRefused';
  }
}

/**
 * Addresses a callback must never reach unless its host is listed exactly: loopback, private,
 * carrier-grade NAT, link-local (cloud metadata at 169.254.169.254 lives there), unspecified,
 * multicast and reserved ranges, in both families.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['fd00:ec2::', 32],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is one a callback may not be sent to (IPv4-mapped IPv6 included). */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((done, fail) =>
    dnsLookup(host, { all: true }, (error, addresses: LookupAddress[]) =>
      error ? fail(error) : done(addresses.map((a) => a.address)),
    ),
  );

/** The host of a URL without IPv6 brackets, lower-cased. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Exact entries let an operator allow an internal host on purpose; patterns never do. */
function listedExactly(host: string, config: CallbackConfig): boolean {
  return config.allowedHosts.some((entry) => entry.replace(/^\[|\]$/g, '') === host);
}

function matchesAllowList(host: string, config: CallbackConfig): boolean {
  return config.allowedHosts.some((entry) => {
    if (entry.startsWith('*.')) return host.endsWith(entry.slice(1)) && host !== entry.slice(2);
    return entry.replace(/^\[|\]$/g, '') === host;
  });
}

/**
 * Checks a callback URL when the call arrives, before anything is stored: the scheme, no
 * credentials, the allow-list, and every address the host resolves to. Throws CallbackRefused.
 */
export async function checkCallbackUrl(
  raw: string,
  config: CallbackConfig,
  resolve: Resolver = systemResolver,
): Promise<URL> {
  if (config.allowedHosts.length === 0) {
    throw new CallbackRefused('callbacks are not enabled on this gateway (CALLBACK_ALLOWED_HOSTS)');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallbackRefused('must be an absolute URL');
  }
  const schemes = config.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new CallbackRefused(`must use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`);
  }
  if (url.username || url.password) throw new CallbackRefused('must not carry credentials');
  const host = bareHost(url);
  if (!matchesAllowList(host, config)) {
    throw new CallbackRefused(`host ${host} is not in CALLBACK_ALLOWED_HOSTS`);
  }
  await checkAddresses(host, config, resolve);
  return url;
}

/** Resolves the host and refuses it when any address is internal and the host is not listed exactly. */
export async function checkAddresses(
  host: string,
  config: CallbackConfig,
  resolve: Resolver = systemResolver,
): Promise<string[]> {
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new CallbackRefused(`host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new CallbackRefused(`host ${host} does not resolve`);
  if (!listedExactly(host, config)) {
    const internal = addresses.find(isForbiddenAddress);
    if (internal) {
      throw new CallbackRefused(
        `host ${host} resolves to ${internal}, a loopback, private, link-local or metadata address`,
      );
    }
  }
  return addresses;
}
