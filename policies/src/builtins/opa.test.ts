import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';

const engine = () =>
  Engine.compile([{ file: 't.rego', source: 'package t\n\nrt := opa.runtime()\nmock(_) := {"status_code": 200}\nget := http.send({"method": "GET", "url": "https://example.com"})\nmocked := v if v := get with http.send as mock\n' }]);

describe('host builtins', () => {
  it('opa.runtime() gives what the host passes, {} without', () => {
    expect(engine().document(['t', 'rt'], { runtime: { env: { A: '1' } } })).toEqual({ env: { A: '1' } });
    expect(engine().document(['t', 'rt'])).toEqual({});
  });

  it('http.send compiles and can be mocked, but never reaches the network', () => {
    expect(engine().document(['t', 'mocked'])).toEqual({ status_code: 200 });
    expect(engine().document(['t', 'get'])).toBeUndefined();
    expect(() => engine().document(['t', 'get'], { strict: true })).toThrow(/http.send: network access is not available/);
  });
});
