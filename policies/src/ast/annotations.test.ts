import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';
import { toJSON } from '../values.js';
import { parseModule } from './parser.js';

describe('METADATA annotations', () => {
  it('attaches a block to the statement after it, with default scopes and normalised authors', () => {
    const m = parseModule(
      `# METADATA
# title: Package
package a

# METADATA
# authors:
# - Jane Doe <jane@example.com>
# related_resources:
# - https://example.com
allow := true

# not metadata
deny := false
`,
      'a.rego',
    );
    expect(m.annotations?.map((a) => toJSON(a.value))).toEqual([{ title: 'Package', scope: 'package' }]);
    expect(toJSON(m.rules[0]!.annotations![0]!.value)).toEqual({
      authors: [{ name: 'Jane Doe', email: 'jane@example.com' }],
      related_resources: [{ ref: 'https://example.com' }],
      scope: 'rule',
    });
    expect(m.rules[1]!.annotations).toBeUndefined();
  });

  it('reports bad YAML as a parse error at the block', () => {
    expect(() => parseModule('package a\n\n# METADATA\n# title: [unclosed\np := 1\n', 'a.rego')).toThrow(/^a\.rego:3:1: rego_parse_error: yaml/);
  });

  it('gives rego.metadata.chain the subpackages annotations of parent packages', () => {
    const e = Engine.compile([
      { file: 'root.rego', source: '# METADATA\n# scope: subpackages\n# title: Root\npackage org\n' },
      { file: 'p.rego', source: 'package org.team\n\np := rego.metadata.chain()\n' },
    ]);
    expect(e.document(['org', 'team', 'p'])).toEqual([{ path: ['org', 'team', 'p'] }, { path: ['org'], annotations: { scope: 'subpackages', title: 'Root' } }]);
  });

  it('rego.parse_module returns OPA AST JSON', () => {
    const e = Engine.compile([{ file: 'p.rego', source: 'package p\n\nm := rego.parse_module("x.rego", "package x.y\\n\\nallow if input.a == 1\\n")\n' }]);
    const m = e.document(['p', 'm']) as { package: unknown; rules: { head: unknown; body: unknown }[] };
    expect(m.package).toEqual({ path: [{ type: 'var', value: 'data' }, { type: 'string', value: 'x' }, { type: 'string', value: 'y' }] });
    expect(m.rules[0]!.head).toEqual({ name: 'allow', ref: [{ type: 'var', value: 'allow' }], value: { type: 'boolean', value: true } });
    expect(m.rules[0]!.body).toEqual([
      {
        index: 0,
        terms: [
          { type: 'ref', value: [{ type: 'var', value: 'equal' }] },
          { type: 'ref', value: [{ type: 'var', value: 'input' }, { type: 'string', value: 'a' }] },
          { type: 'number', value: 1 },
        ],
      },
    ]);
  });
});
