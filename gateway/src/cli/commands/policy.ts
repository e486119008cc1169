import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Engine, jsonReport, loadPaths, prettyReport, readBundles, runTests, stringifyJSON, type Value } from '@airlock/policies';
import type { Command } from '../command.js';
import { evaluateQuery } from './policy-eval.js';

const HELP = `Usage: airlock policy <eval|test|check> [options]

Rego, evaluated by Airlock's own engine, with the shapes of the opa command.

  airlock policy eval [--v0-compatible] -d PATH... [-i input.json] QUERY
      prints {"result":[{"expressions":[{"value","text","location"}],"bindings":{…}}]} like opa eval --format json;
      {} when the query is undefined
  airlock policy test [--v0-compatible] [-v] [--format pretty|json] [-r REGEX] [-b] [-z] [--ignore GLOB]... PATH...
      runs every test_* rule like opa test: the tests that did not pass (every test with -v), then the
      PASS: / FAIL: / SKIPPED: / ERROR: totals; exit 2 when a test did not pass, 1 when the policy does not load
  airlock policy check [--v0-compatible] PATH...
      parses and compiles, reporting errors as file:line:col

Paths load as opa loads them: every .rego, .json and .yaml file below a directory, data mounted at its directory's
path and merged across paths; with -b (--bundle) each path is a bundle, whose data files are named data.json/.yaml.
`;

const load = (paths: readonly string[], bundle: boolean, ignore: readonly string[]): Promise<{ modules: { file: string; source: string }[]; data: Value }> =>
  bundle ? readBundles(paths, { includeTests: true, ignore }) : loadPaths(paths, { ignore });

export const policyCommand: Command = {
  name: 'policy',
  summary: 'Evaluate, test and check Rego policies',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string', short: 'd', multiple: true },
        input: { type: 'string', short: 'i' },
        'v0-compatible': { type: 'boolean' },
        'v1-compatible': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        format: { type: 'string', short: 'f' },
        run: { type: 'string', short: 'r' },
        bundle: { type: 'boolean', short: 'b' },
        ignore: { type: 'string', multiple: true },
        'exit-zero-on-skipped': { type: 'boolean', short: 'z' },
        'fail-on-empty': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, ...rest] = positionals;
    const v0Compatible = values['v0-compatible'] ?? false;
    const bundle = values.bundle ?? false;
    const ignore = values.ignore ?? [];
    switch (action) {
      case 'eval': {
        const query = rest.join(' ');
        if (!query) throw new Error('policy eval needs a QUERY');
        const { modules, data } = await load(values.data ?? [], bundle, ignore);
        const engine = Engine.compile(modules, { v0Compatible });
        const input = values.input ? (JSON.parse(await readFile(values.input, 'utf8')) as unknown) : undefined;
        io.stdout.write(stringifyJSON(evaluateQuery(engine, query, { input, data })) + '\n');
        return 0;
      }
      case 'test': {
        const format = values.format ?? 'pretty';
        if (format !== 'pretty' && format !== 'json') throw new Error(`--format must be pretty or json, not ${format}`);
        if (!rest.length) throw new Error('policy test needs a PATH');
        let results;
        try {
          const { modules, data } = await load(rest, bundle, ignore);
          results = runTests(modules, { v0Compatible, data, run: values.run, runtime: { env: io.env } });
        } catch (error) {
          io.stderr.write(`${(error as Error).message}\n`);
          return 1;
        }
        io.stdout.write(format === 'json' ? jsonReport(results) : prettyReport(results, values.verbose));
        if (!results.length && values['fail-on-empty']) {
          io.stderr.write('no tests were run\n');
          return 1;
        }
        const skipOk = values['exit-zero-on-skipped'] ?? false;
        return results.some((r) => r.fail || r.error || (r.skip && !skipOk)) ? 2 : 0;
      }
      case 'check': {
        try {
          const { modules } = await load(rest, bundle, ignore);
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
