import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Engine, RObject, readBundle, stringifyJSON, toJSON, type Value } from '@airlock/policies';
import type { Command } from '../command.js';
import { evaluateQuery } from './policy-eval.js';

const HELP = `Usage: airlock policy <eval|test|check> [options]

Rego, evaluated by Airlock's own engine, with the shapes of the opa command.

  airlock policy eval [--v0-compatible] -d PATH... [-i input.json] QUERY
      prints {"result":[{"expressions":[{"value","text","location"}],"bindings":{…}}]} like opa eval --format json;
      {} when the query is undefined
  airlock policy test [--v0-compatible] [-v] PATH...
      runs every test_* rule; one line per failing test (every test with -v), then PASS: N/M; exit 1 on a failure
  airlock policy check [--v0-compatible] PATH...
      parses and compiles, reporting errors as file:line:col
`;

async function load(paths: readonly string[], includeTests: boolean): Promise<{ modules: { file: string; source: string }[]; data: Value }> {
  const modules: { file: string; source: string }[] = [];
  let data: Value = new RObject();
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) {
      const b = await readBundle(p, { includeTests });
      modules.push(...b.modules);
      data = b.data;
    } else if (p.endsWith('.rego')) modules.push({ file: p, source: await readFile(p, 'utf8') });
    else if (p.endsWith('.json')) data = (await import('@airlock/policies')).fromJSON(JSON.parse(await readFile(p, 'utf8')));
  }
  return { modules, data };
}

export const policyCommand: Command = {
  name: 'policy',
  summary: 'Evaluate, test and check Rego policies',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { data: { type: 'string', short: 'd', multiple: true }, input: { type: 'string', short: 'i' }, 'v0-compatible': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } },
      allowPositionals: true,
      strict: true,
    });
    const [action, ...rest] = positionals;
    const v0Compatible = values['v0-compatible'] ?? false;
    switch (action) {
      case 'eval': {
        const query = rest.join(' ');
        if (!query) throw new Error('policy eval needs a QUERY');
        const { modules, data } = await load(values.data ?? [], false);
        const engine = Engine.compile(modules, { v0Compatible });
        const input = values.input ? (JSON.parse(await readFile(values.input, 'utf8')) as unknown) : undefined;
        io.stdout.write(stringifyJSON(evaluateQuery(engine, query, { input, data })) + '\n');
        return 0;
      }
      case 'test': {
        const { modules, data } = await load(rest, true);
        const results = Engine.compile(modules, { v0Compatible }).runTests({ data });
        for (const r of results) {
          if (values.verbose || !r.passed) io.stdout.write(`${r.file}:${r.row}: ${r.name}: ${r.passed ? 'PASS' : 'FAIL'}${r.error ? ` (${r.error})` : ''}\n`);
        }
        const passed = results.filter((r) => r.passed).length;
        io.stdout.write(`${'-'.repeat(40)}\n${passed === results.length ? 'PASS' : 'FAIL'}: ${passed}/${results.length}\n`);
        return passed === results.length ? 0 : 1;
      }
      case 'check': {
        const { modules } = await load(rest, true);
        try {
          Engine.compile(modules, { v0Compatible });
        } catch (error) {
          io.stderr.write(`${(error as Error).message}\n`);
          return 1;
        }
        return 0;
      }
      default:
        io.stderr.write(HELP);
        return 2;
    }
  },
};
