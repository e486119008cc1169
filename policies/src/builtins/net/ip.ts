/**
 * IP addresses and networks as Go's `net` package sees them. Every address is a 128-bit bigint; IPv4 lives in the
 * v4-mapped range ::ffff:0:0/96, which is also where Go treats an IPv6 address as IPv4 (IP.To4). A network keeps its
 * prefix in that 128-bit space (IPv4 /24 is /120).
 */
export interface IPNet {
  /** The network address (masked), or for a bare IPv4 address in net.cidr_merge, the address itself. */
  readonly ip: bigint;
  readonly prefix: number;
}

export const MAPPED_BASE = 0xffffn << 32n;
const ALL = (1n << 128n) - 1n;

export const isMapped = (n: bigint): boolean => n >> 32n === 0xffffn;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    // Go rejects leading zeros: "010" could be octal elsewhere.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const side = (h: string): (bigint | undefined)[] => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt('0x' + g) : undefined)));
  const head = side(halves[0]!);
  const rest = halves.length === 2 ? side(halves[1]!) : [];
  if (head.includes(undefined) || rest.includes(undefined)) return undefined;
  const given = head.length + rest.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest] as bigint[];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** net.ParseIP (netip.ParseAddr without zones). */
export function parseIP(s: string): { n: bigint; is4: boolean } | undefined {
  if (s.includes('.') && !s.includes(':')) {
    const v4 = parseV4(s);
    return v4 === undefined ? undefined : { n: MAPPED_BASE | v4, is4: true };
  }
  if (!s.includes(':')) return undefined;
  const v6 = parseV6(s);
  return v6 === undefined ? undefined : { n: v6, is4: false };
}

const hostMask = (prefix: number): bigint => (1n << BigInt(128 - prefix)) - 1n;

/** net.ParseCIDR; undefined where Go reports `invalid CIDR address`. */
export function parseCIDR(s: string): IPNet | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (!addr || !/^\d+$/.test(bits) || bits.length > 8) return undefined;
  const p = Number(bits);
  if (p > (addr.is4 ? 32 : 128)) return undefined;
  const prefix = addr.is4 ? p + 96 : p;
  return { ip: addr.n & (ALL ^ hostMask(prefix)), prefix };
}

export const firstIP = (net: IPNet): bigint => net.ip & (ALL ^ hostMask(net.prefix));
export const lastIP = (net: IPNet): bigint => firstIP(net) | hostMask(net.prefix);

/** IPNet.Contains: an IPv4 address never lies in an IPv6 network, whatever the bits. */
export function netContains(net: IPNet, ip: bigint): boolean {
  if (isMapped(net.ip) !== isMapped(ip)) return false;
  const shift = BigInt(128 - Math.max(net.prefix, isMapped(net.ip) ? 96 : 0));
  return ip >> shift === net.ip >> shift;
}

/** IP.String: dotted IPv4 for mapped addresses, RFC 5952 for the rest. */
export function formatIP(n: bigint): string {
  if (isMapped(n)) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (n >> BigInt(112 - i * 16)) & 0xffffn);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: bigint[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** IPNet.String. */
export function formatNet(net: IPNet): string {
  return isMapped(net.ip) ? `${formatIP(net.ip)}/${Math.max(0, net.prefix - 96)}` : `${formatIP(net.ip)}/${net.prefix}`;
}

/** Go's IP.DefaultMask, the classful prefix net.cidr_merge gives a bare IPv4 address. */
export function classfulPrefix(n: bigint): number {
  const first = Number((n >> 24n) & 255n);
  return 96 + (first < 0x80 ? 8 : first < 0xc0 ? 16 : 24);
}
