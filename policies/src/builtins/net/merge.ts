/**
 * net.cidr_merge's algorithm (OPA's port of netaddr via Cilium): ranges sorted by last then first address, merged
 * from the end when adjacent or overlapping; a network merged with nothing keeps its own text, a merged range
 * becomes its minimal list of CIDRs.
 */
import { MAPPED_BASE, firstIP, formatNet, lastIP, type IPNet } from './ip.js';

interface Range {
  first: bigint;
  last: bigint;
  /** Present while the range is one input network, unmerged. */
  net?: IPNet;
}

/** GetPreviousIP: never below the zero address of the family. */
const previous = (n: bigint): bigint => (n === 0n || n === MAPPED_BASE ? n : n - 1n);

/** The minimal aligned blocks covering [first, last]. */
function rangeToCIDRs(first: bigint, last: bigint): IPNet[] {
  const out: IPNet[] = [];
  let start = first;
  while (start <= last) {
    let size = 0;
    while (size < 128 && start % (1n << BigInt(size + 1)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= last) size++;
    out.push({ ip: start, prefix: 128 - size });
    start += 1n << BigInt(size);
  }
  return out;
}

export function mergeNets(nets: readonly IPNet[]): string[] {
  const ranges: Range[] = nets.map((net) => ({ first: firstIP(net), last: lastIP(net), net }));
  ranges.sort((a, b) => (a.last < b.last ? -1 : a.last > b.last ? 1 : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i]!;
    const prev = ranges[i - 1]!;
    if (previous(cur.first) <= prev.last) {
      ranges[i - 1] = { first: prev.first < cur.first ? prev.first : cur.first, last: cur.last };
      ranges.splice(i, 1);
    }
  }
  return ranges.flatMap((r) => (r.net ? [formatNet(r.net)] : rangeToCIDRs(r.first, r.last).map(formatNet)));
}
