import { describe, expect, it } from 'vitest';
import { renderTemplate } from './template.js';
import { RObject, fromJSON } from '../../values.js';
import { sprintf } from '../strings.js';

const render = (tpl: string, vars: unknown) => renderTemplate(tpl, fromJSON(vars) as RObject, sprintf);

describe('strings.render_template (Go text/template subset)', () => {
  it('handles control flow, variables, pipelines and functions', () => {
    expect(render('{{range $i, $n := .xs}}{{if $i}}, {{end}}{{$n}}{{end}}', { xs: ['a', 'b', 'c'] })).toBe('a, b, c');
    expect(render('{{with .u}}{{.name | printf "%s!"}}{{else}}none{{end}}', { u: { name: 'bo' } })).toBe('bo!');
    expect(render('{{if eq .n 2}}two{{else if gt .n 2}}more{{else}}less{{end}}', { n: 3 })).toBe('more');
    expect(render('{{ $x := len .xs }}{{- $x -}} items', { xs: [1, 2] })).toBe('2items');
    expect(render('{{range .m}}{{.}};{{end}}{{/* sorted keys */}}', { m: { b: 2, a: 1 } })).toBe('1;2;');
    expect(render('{{index .m "k"}} {{.m}} {{.missing}}', { m: { k: [1, 'x'] } })).toBe('[1 x] map[k:[1 x]] <undefined>');
  });

  it('reports template errors', () => {
    expect(() => render('{{nosuch 1}}', {})).toThrow('function "nosuch" not defined');
    expect(() => render('{{if .a}}', {})).toThrow('unexpected EOF');
  });
});
