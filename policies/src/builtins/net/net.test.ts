import { describe, expect, it } from 'vitest';
import { formatIP, formatNet, netContains, parseCIDR, parseIP } from './ip.js';
import { mergeNets } from './merge.js';

describe('Go-compatible IP parsing and printing', () => {
  it('parses what net.ParseIP accepts, no more', () => {
    expect(parseIP('01.2.3.4')).toBeUndefined();
    expect(parseIP('1.2.3.256')).toBeUndefined();
    expect(parseIP('fe80::1%eth0')).toBeUndefined();
    expect(parseIP('1:2:3:4:5:6:7::8')).toBeUndefined();
    expect(formatIP(parseIP('::ffff:1.2.3.4')!.n)).toBe('1.2.3.4');
    expect(formatIP(parseIP('2001:db8:0:0:1:0:0:1')!.n)).toBe('2001:db8::1:0:0:1');
    expect(formatIP(parseIP('::1.2.3.4')!.n)).toBe('::102:304');
  });

  it('keeps IPv4 and IPv6 apart as IPNet.Contains does', () => {
    const all6 = parseCIDR('::/0')!;
    expect(netContains(all6, parseIP('1.2.3.4')!.n)).toBe(false);
    expect(netContains(parseCIDR('10.0.0.0/8')!, parseIP('10.9.8.7')!.n)).toBe(true);
    expect(formatNet(parseCIDR('10.1.2.3/8')!)).toBe('10.0.0.0/8');
  });

  it('merges into minimal CIDRs and keeps unmerged networks as written', () => {
    const nets = ['10.0.0.0/25', '10.0.0.128/25', '10.0.2.0/24'].map((s) => parseCIDR(s)!);
    expect(mergeNets(nets).sort()).toEqual(['10.0.0.0/24', '10.0.2.0/24']);
    expect(mergeNets([parseCIDR('::/0')!, parseCIDR('1.2.3.0/24')!])).toEqual(['::/0']);
  });
});
