/** `opa test`'s naming, counting and output (issue 16, cause 2), against OPA's tester and its reporter tests. */
import { describe, expect, it } from 'vitest';
import { goDuration, jsonReport, prettyReport, summarize } from './reporter.js';
import { runTests, type TestResult } from './runner.js';

const run = (source: string, file = 'p.rego') => runTests([{ file, source }], { v0Compatible: true });
/** Durations vary: print them as OPA's reporter tests do, with zero durations. */
const still = (rs: TestResult[]): TestResult[] => rs.map((r) => ({ ...r, durationNs: 0 }));

describe('opa test', () => {
  it('numbers duplicate test names in a package #01, #02… and runs each', () => {
    const rs = run('package p\n\ntest_dup { true }\ntest_dup { false }\ntest_dup { true }\ntodo_test_later { false }\nx.test_nested { true }\ntest_other { 1 == 2 }\n');
    expect(rs.map((r) => [r.name, r.fail, r.skip])).toEqual([
      ['test_dup', false, false],
      ['test_dup#01', true, false],
      ['test_dup#02', false, false],
      ['todo_test_later', false, true],
      ['x.test_nested', false, false],
      ['test_other', true, false],
    ]);
  });

  it('prints failing tests by file, then PASS, FAIL, SKIPPED and ERROR totals', () => {
    const rs = still([
      ...run('package p\n\ntest_ok { true }\ntest_bad { false }\ntodo_test_x { true }\n', 'a.rego'),
      ...run('package q\n\ntest_conflict { f(1) }\nf(x) = 1\nf(x) = 2\ntest_print { print("hi") }\n', 'b.rego'),
    ]);
    expect(prettyReport(rs)).toBe(
      [
        'a.rego:',
        'data.p.test_bad: FAIL (0s)',
        'data.p.todo_test_x: SKIPPED',
        '',
        'b.rego:',
        'data.q.test_conflict: ERROR (0s)',
        '  b.rego:3: eval_conflict_error: functions must not produce multiple outputs for same inputs',
        '--------------------------------------------------------------------------------',
        'PASS: 2/5',
        'FAIL: 1/5',
        'SKIPPED: 1/5',
        'ERROR: 1/5',
        '',
      ].join('\n'),
    );
    expect(prettyReport(rs, true)).toContain('FAILURES\n' + '-'.repeat(80) + '\ndata.p.test_bad: FAIL (0s)\n\nSUMMARY\n');
    expect(prettyReport(rs, true)).toContain('data.q.test_print: PASS (0s)\n\n  hi\n\n');
    expect(prettyReport(still(run('package p\n\ntest_a { true }\n')))).toBe('PASS: 1/1\n');
  });

  it('gives a partial-object test a sub-result per key, counting the leaves', () => {
    const rs = run('package p\n\ncases := {"one": true, "two": false}\ntest_cases[name] = ok { ok := cases[name] }\n');
    expect(summarize(rs)).toMatchObject({ pass: 1, fail: 1, total: 2 });
    expect(prettyReport(still(rs))).toBe('p.rego:\ndata.p.test_cases: FAIL (0s)\n  two: FAIL\n' + '-'.repeat(80) + '\nPASS: 1/2\nFAIL: 1/2\n');
  });

  it('writes --format json as OPA marshals its results', () => {
    const rs = still(run('package p\n\ntest_ok { print("x") }\ntest_bad { false }\ntodo_test_s { true }\n'));
    expect(JSON.parse(jsonReport(rs))).toEqual([
      { location: { file: 'p.rego', row: 3, col: 1 }, package: 'data.p', name: 'test_ok', duration: 0, output: Buffer.from('x\n').toString('base64') },
      { location: { file: 'p.rego', row: 4, col: 1 }, package: 'data.p', name: 'test_bad', fail: true, duration: 0 },
      { location: { file: 'p.rego', row: 5, col: 1 }, package: 'data.p', name: 'todo_test_s', skip: true, duration: 0 },
    ]);
  });

  it('formats durations as Go does', () => {
    expect([0, 812, 1500, 2_250_000, 1_000_000_000, 63_500_000_000].map(goDuration)).toEqual(['0s', '812ns', '1.5µs', '2.25ms', '1s', '1m3.5s']);
  });
});
