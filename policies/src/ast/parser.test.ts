import { describe, expect, it } from 'vitest';
import { RegoError } from './errors.js';
import { parseModule, parseQuery } from './parser.js';

describe('parser', () => {
  it('parses v1 rules of every kind', () => {
    const m = parseModule(
      `package a.b
import rego.v1
import data.x.y as z

default allow := false
allow if input.user == "admin"
deny contains msg if { msg := "no" }
obj[k] := v if { some k, v in input.m }
f(x) := x + 1
r := 1 if false else := 2
`,
      'm.rego',
    );
    expect(m.pkg).toEqual(['a', 'b']);
    expect(m.imports.map((i) => i.alias ?? i.path.join('.'))).toEqual(['rego.v1', 'z']);
    expect(m.rules.map((r) => [r.path.join('.'), r.kind, r.isDefault])).toEqual([
      ['a.b.allow', 'complete', true],
      ['a.b.allow', 'complete', false],
      ['a.b.deny', 'set', false],
      ['a.b.obj', 'object', false],
      ['a.b.f', 'function', false],
      ['a.b.r', 'complete', false],
    ]);
    expect(m.rules[5]!.elseRule).not.toBeNull();
  });

  it('separates body literals by newlines but not inside brackets, and lets with continue a line', () => {
    const body = parseQuery('x := [1,\n 2]\ny = x[0] + 1\nz := input.a with input as {"a": 1}\n  with data.q as 2');
    expect(body).toHaveLength(3);
    expect(body[2]!.with).toHaveLength(2);
  });

  it('reports errors with file:line:col', () => {
    expect(() => parseModule('package p\n\np := [1,', 'bad.rego')).toThrow(RegoError);
    try {
      parseModule('package p\n\np := "unterminated\n', 'bad.rego');
    } catch (e) {
      expect((e as Error).message).toMatch(/^bad\.rego:3:6: rego_parse_error: /);
    }
  });

  it('requires v1 keywords unless v0 compatibility is asked for, as opa does', () => {
    const v0 = 'package p\n\nallow { input.user == "ann" }\ndeny[msg] { msg := "no" }\n';
    expect(() => parseModule(v0, 'v0.rego')).toThrow(/^v0\.rego:3:7: rego_parse_error: `if` keyword is required before rule body/);
    const m = parseModule(v0, 'v0.rego', { v0Compatible: true });
    expect(m.rules.map((r) => [r.path.join('.'), r.kind])).toEqual([
      ['p.allow', 'complete'],
      ['p.deny', 'set'],
    ]);
  });
});
