/**
 * Builtins that belong to the language rather than a library: they read the policy being evaluated (METADATA
 * annotations of the active rule) or the parser. The evaluator provides them next to the registered builtins.
 */
import { RegoError } from '../ast/errors.js';
import { moduleJSON } from '../ast/json.js';
import type { Rule } from '../ast/nodes.js';
import { parseModule } from '../ast/parser.js';
import { BuiltinError, operandTypeError } from '../builtins/errors.js';
import type { BuiltinDecl, BuiltinDef } from '../builtins/types.js';
import type { CompiledPolicy } from '../compile/compiler.js';
import { RObject, fromJSON, isObject, type Value } from '../values.js';

export const LANGUAGE_DECLS: readonly BuiltinDecl[] = [
  { name: 'rego.metadata.chain', args: [], result: { kind: 'array' } },
  { name: 'rego.metadata.rule', args: [], result: { kind: 'any' } },
  { name: 'rego.parse_module', args: [{ name: 'filename', type: { kind: 'string' } }, { name: 'rego', type: { kind: 'string' } }], result: { kind: 'object' } },
];

const decl = (name: string): BuiltinDecl => LANGUAGE_DECLS.find((d) => d.name === name)!;

/** `activeRule` is the rule whose body is being evaluated (undefined in a query). */
export function languageBuiltins(policy: CompiledPolicy, activeRule: () => Rule | undefined): BuiltinDef[] {
  return [
    { decl: decl('rego.metadata.chain'), impl: () => metadataChain(policy, activeRule()) },
    { decl: decl('rego.metadata.rule'), impl: () => ruleAnnotation(activeRule()) ?? new RObject() },
    {
      decl: decl('rego.parse_module'),
      impl: ([filename, source]) => {
        if (typeof filename !== 'string') throw operandTypeError(1, 'string', filename!);
        if (typeof source !== 'string') throw operandTypeError(2, 'string', source!);
        try {
          return fromJSON(moduleJSON(parseModule(source, filename)));
        } catch (error) {
          if (error instanceof RegoError) throw new BuiltinError(error.message);
          throw error;
        }
      },
    },
  ];
}

function ruleAnnotation(rule: Rule | undefined): Value | undefined {
  return rule?.annotations?.find((a) => a.scope === 'rule')?.value;
}

const entry = (path: readonly string[], annotations: Value | undefined): Value =>
  new RObject([['path', [...path]] as const, ...(annotations !== undefined && isObject(annotations) ? [['annotations', annotations] as const] : [])]);

/** The annotations that apply to a rule, nearest first: the rule's, its document's, its package's, then subpackages. */
function metadataChain(policy: CompiledPolicy, rule: Rule | undefined): Value {
  if (!rule) return [];
  const out: Value[] = [entry(rule.path, ruleAnnotation(rule))];
  const set = policy.ruleSets.get(rule.path.join('.'));
  for (const r of set ? [...set.rules, ...(set.defaultRule ? [set.defaultRule] : [])] : [rule]) {
    for (const a of r.annotations ?? []) if (a.scope === 'document') out.push(entry(rule.path, a.value));
  }
  const pkg = set?.modules.get(rule)?.pkg ?? rule.path.slice(0, -1);
  for (const m of policy.modules) if (samePath(m.pkg, pkg)) for (const a of m.annotations ?? []) if (a.scope === 'package') out.push(entry(pkg, a.value));
  for (let n = pkg.length; n > 0; n--) {
    const prefix = pkg.slice(0, n);
    for (const m of policy.modules) if (samePath(m.pkg, prefix)) for (const a of m.annotations ?? []) if (a.scope === 'subpackages') out.push(entry(prefix, a.value));
  }
  return out;
}

const samePath = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
