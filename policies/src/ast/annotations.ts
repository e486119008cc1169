/**
 * METADATA annotations: a comment block that starts with `# METADATA` and holds YAML, attached to the package or
 * rule that follows it. Values are kept in OPA's JSON form (what rego.metadata.rule/chain return): authors and
 * related resources normalised to objects, and the scope always present.
 */
import { parse as parseYaml } from 'yaml';
import { RegoError } from './errors.js';
import type { Comment } from './lexer.js';
import type { Location } from './tokens.js';
import { fromJSON, type Value } from '../values.js';

export type AnnotationScope = 'rule' | 'document' | 'package' | 'subpackages';

export interface Annotation {
  readonly scope: AnnotationScope;
  /** OPA's JSON form of the annotation, `scope` included. */
  readonly value: Value;
  readonly loc: Location;
}

interface Block {
  readonly yaml: string;
  readonly loc: Location;
  readonly endRow: number;
}

function blocks(comments: readonly Comment[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < comments.length; i++) {
    if (comments[i]!.text.trim() !== 'METADATA') continue;
    const loc = comments[i]!.loc;
    const lines: string[] = [];
    let row = loc.row;
    while (i + 1 < comments.length && comments[i + 1]!.loc.row === row + 1 && comments[i + 1]!.text.trim() !== 'METADATA') {
      i++;
      row++;
      lines.push(comments[i]!.text.replace(/^ /, ''));
    }
    out.push({ yaml: lines.join('\n'), loc, endRow: row });
  }
  return out;
}

/** Annotations by the row of the statement each block precedes (the first statement after the block). */
export function annotationsByRow(comments: readonly Comment[], statementRows: readonly number[]): Map<number, Block[]> {
  const rows = [...statementRows].sort((a, b) => a - b);
  const out = new Map<number, Block[]>();
  for (const b of blocks(comments)) {
    const row = rows.find((r) => r > b.endRow);
    if (row === undefined) continue;
    const list = out.get(row) ?? [];
    list.push(b);
    out.set(row, list);
  }
  return out;
}

export function toAnnotation(block: Block, defaultScope: AnnotationScope): Annotation {
  let doc: unknown;
  try {
    doc = parseYaml(block.yaml) ?? {};
  } catch (error) {
    throw new RegoError('rego_parse_error', `yaml: ${(error as Error).message.split('\n')[0]}`, block.loc);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RegoError('rego_parse_error', 'yaml: METADATA must be an object', block.loc);
  const raw = doc as Record<string, unknown>;
  const scope = (raw['scope'] ?? defaultScope) as AnnotationScope;
  if (!['rule', 'document', 'package', 'subpackages'].includes(scope)) throw new RegoError('rego_parse_error', `invalid annotation scope '${String(scope)}'`, block.loc);
  const out: Record<string, unknown> = { ...raw, scope };
  if (Array.isArray(raw['authors'])) out['authors'] = raw['authors'].map(author);
  if (Array.isArray(raw['related_resources'])) out['related_resources'] = raw['related_resources'].map((r) => (typeof r === 'string' ? { ref: r } : r));
  return { scope, value: fromJSON(out), loc: block.loc };
}

/** `Jane Doe <jane@example.com>` → { name, email }; a bare address is an email, anything else a name. */
function author(a: unknown): unknown {
  if (typeof a !== 'string') return a;
  const m = /^(.*?)\s*<([^>]+)>$/.exec(a.trim());
  if (m) return m[1] ? { name: m[1], email: m[2] } : { email: m[2] };
  return a.includes('@') && !a.includes(' ') ? { email: a } : { name: a.trim() };
}
