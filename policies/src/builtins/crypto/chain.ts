/**
 * Certificate chain verification as OPA asks Go's x509 to do it: the first certificate is the only root, the
 * last the leaf, any between are intermediates. A chain is found leaf-first by issuer name and signature, every
 * certificate must be valid at the current time, issuers must be CAs within their path length, and the leaf must
 * allow the requested extended key usages (server auth by default) and match the DNS name if one is given.
 */
import type { ParsedCertificate } from './x509.js';

export interface VerifyOptions {
  readonly dnsName?: string;
  /** Nanoseconds since the epoch. */
  readonly currentTimeNs: bigint;
  /** Go's ExtKeyUsage numbers; empty means server auth. */
  readonly keyUsages?: readonly number[];
}

const EKU_ANY = 0;
const EKU_SERVER_AUTH = 1;
/** Go's SignatureAlgorithm numbers it refuses to verify: MD2, MD5, SHA-1 and DSA. */
const INSECURE_SIGNATURES = new Set([1, 2, 3, 7, 8, 9]);
/** Netscape and Microsoft server-gated crypto, which Go accepts in place of server auth. */
const SGC = [10, 11];

function validAt(c: ParsedCertificate, ms: number): boolean {
  return c.notBefore.getTime() <= ms && ms <= c.notAfter.getTime();
}

function issuedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (!child.rawIssuer.equals(parent.rawSubject) || INSECURE_SIGNATURES.has(child.json.SignatureAlgorithm as number)) return false;
  try {
    return child.node.verify(parent.node.publicKey);
  } catch {
    return false;
  }
}

/** Go's matchHostnames, simplified: case-insensitive, a leading "*." matches exactly one label. */
function matchesHost(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

function hostnameOk(leaf: ParsedCertificate, host: string): boolean {
  const dns = (leaf.json.DNSNames as string[] | null) ?? [];
  const ips = (leaf.json.IPAddresses as string[] | null) ?? [];
  const bare = host.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(bare) || bare.includes(':')) return ips.includes(bare);
  return dns.some((d) => matchesHost(d, host));
}

/**
 * Go's checkChainForKeyUsage: walking from the root, each certificate that lists extended key usages narrows the
 * wanted ones to those it allows (server auth is also granted by the old server-gated-crypto usages); none left
 * means the chain is refused.
 */
function usagesOk(chain: readonly ParsedCertificate[], wanted: readonly number[]): boolean {
  if (wanted.includes(EKU_ANY)) return true;
  let remaining = [...wanted];
  for (const c of [...chain].reverse()) {
    const ekus = (c.json.ExtKeyUsage as number[] | null) ?? [];
    const unknown = (c.json.UnknownExtKeyUsage as unknown[] | null) ?? [];
    if ((ekus.length === 0 && unknown.length === 0) || ekus.includes(EKU_ANY)) continue;
    remaining = remaining.filter((w) => ekus.includes(w) || (w === EKU_SERVER_AUTH && SGC.some((s) => ekus.includes(s))));
    if (remaining.length === 0) return false;
  }
  return true;
}

/** The first verified chain (leaf first, root last), or null. */
export function verifyChain(certs: readonly ParsedCertificate[], options: VerifyOptions): ParsedCertificate[] | null {
  const root = certs[0]!;
  const intermediates = certs.slice(1, -1);
  const leaf = certs[certs.length - 1]!;
  const now = Number(options.currentTimeNs / 1_000_000n);
  const wanted = options.keyUsages?.length ? options.keyUsages : [EKU_SERVER_AUTH];

  if (!validAt(leaf, now) || leaf.json.UnhandledCriticalExtensions !== null) return null;
  if (options.dnsName && !hostnameOk(leaf, options.dnsName)) return null;

  const extend = (chain: ParsedCertificate[]): ParsedCertificate[] | null => {
    const current = chain[chain.length - 1]!;
    if (current === root || current.der.equals(root.der)) return usagesOk(chain, wanted) ? chain : null;
    for (const parent of [root, ...intermediates]) {
      if (chain.includes(parent) || !issuedBy(current, parent) || !validAt(parent, now)) continue;
      const isRoot = parent === root;
      if (!isRoot && (parent.json.BasicConstraintsValid !== true || parent.json.IsCA !== true)) continue;
      // MaxPathLen bounds the intermediates below an issuer (the leaf does not count).
      const below = chain.length - 1;
      const maxPath = parent.json.MaxPathLen as number;
      if (parent.json.BasicConstraintsValid === true && maxPath >= 0 && below > maxPath) continue;
      const found = extend([...chain, parent]);
      if (found) return found;
    }
    return null;
  };
  return extend([leaf]);
}
