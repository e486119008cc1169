/**
 * Tool-definition pinning. When an admin approves a server, the gateway keeps a hash of each of its tools'
 * definitions (what an agent's model reads: name, title, description, input and output schema, annotations) per
 * tenant. A definition that later differs (a "rug pull", a poisoned description) or a tool that appears is not the
 * approved one: it is hidden or its calls held (mcp.pinning.changed) until an admin approves it as it is now.
 *
 * Approvals are kept in a JSON file written atomically (a temporary file renamed over it); every approval is also
 * an entry in the tenant's audit trail, with the diff an admin approved.
 */
import { hash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** The parts of a tool's definition that are pinned. */
export function pinnedDefinition(tool: Tool): Record<string, unknown> {
  const d: Record<string, unknown> = { name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema };
  if (tool.title !== undefined) d.title = tool.title;
  if (tool.outputSchema !== undefined) d.outputSchema = tool.outputSchema;
  if (tool.annotations !== undefined) d.annotations = tool.annotations;
  return d;
}

/** JSON with object keys sorted, so that the same definition always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const toolHash = (tool: Tool): string => hash('sha256', canonical(pinnedDefinition(tool)), 'hex');

export type PinStatus = 'approved' | 'changed' | 'new' | 'unapproved';

const PinSchema = z.object({ sha256: z.string(), definition: z.record(z.string(), z.unknown()), approved_at: z.string(), approved_by: z.string() }).strict();
const ServerPinsSchema = z.object({ approved_at: z.string(), approved_by: z.string(), tools: z.record(z.string(), PinSchema) }).strict();
const PinFileSchema = z.object({ version: z.literal(1), tenants: z.record(z.string(), z.record(z.string(), ServerPinsSchema)) }).strict();
type ServerPins = z.infer<typeof ServerPinsSchema>;

export interface FieldChange {
  readonly field: string;
  readonly approved: unknown;
  readonly current: unknown;
}

export interface ToolDiff {
  readonly tool: string;
  readonly status: PinStatus | 'removed';
  readonly sha256: string | null;
  readonly approved_sha256: string | null;
  /** What differs from the approved definition, field by field (changed tools only). */
  readonly changes: readonly FieldChange[];
}

function fieldChanges(approved: Record<string, unknown>, current: Record<string, unknown>): FieldChange[] {
  const fields = [...new Set([...Object.keys(approved), ...Object.keys(current)])].sort();
  return fields.filter((f) => canonical(approved[f]) !== canonical(current[f])).map((f) => ({ field: f, approved: approved[f] ?? null, current: current[f] ?? null }));
}

export class PinStore {
  #tenants: Record<string, Record<string, ServerPins>> = {};
  #writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  static async open(file: string): Promise<PinStore> {
    const store = new PinStore(file);
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== null) {
      const parsed = PinFileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${file}: not an MCP pin file: ${parsed.error.issues[0]!.message}`);
      store.#tenants = parsed.data.tenants;
    }
    return store;
  }

  approved(tenant: string, server: string): boolean {
    return this.#tenants[tenant]?.[server] !== undefined;
  }

  status(tenant: string, server: string, tool: Tool): PinStatus {
    const pins = this.#tenants[tenant]?.[server];
    if (!pins) return 'unapproved';
    const pin = pins.tools[tool.name];
    if (!pin) return 'new';
    return pin.sha256 === toolHash(tool) ? 'approved' : 'changed';
  }

  /** The current tools against the approved ones, with removed tools listed too. */
  diff(tenant: string, server: string, current: readonly Tool[]): ToolDiff[] {
    const pins = this.#tenants[tenant]?.[server];
    const out: ToolDiff[] = current.map((tool) => {
      const pin = pins?.tools[tool.name];
      const status = this.status(tenant, server, tool);
      return {
        tool: tool.name,
        status,
        sha256: toolHash(tool),
        approved_sha256: pin?.sha256 ?? null,
        changes: status === 'changed' ? fieldChanges(pin!.definition, pinnedDefinition(tool)) : [],
      };
    });
    const names = new Set(current.map((t) => t.name));
    for (const [name, pin] of Object.entries(pins?.tools ?? {})) if (!names.has(name)) out.push({ tool: name, status: 'removed', sha256: null, approved_sha256: pin.sha256, changes: [] });
    return out.sort((a, b) => a.tool.localeCompare(b.tool));
  }

  /**
   * Approves the server's tools as they are now (only those named in `only`, when given; the others keep their
   * approval). Tools no longer offered lose theirs when the whole server is approved.
   */
  async approve(tenant: string, server: string, current: readonly Tool[], actor: string, only?: readonly string[]): Promise<ToolDiff[]> {
    const diff = this.diff(tenant, server, current).filter((d) => !only || only.includes(d.tool));
    const now = new Date().toISOString();
    const previous = this.#tenants[tenant]?.[server];
    const tools: ServerPins['tools'] = only ? { ...previous?.tools } : {};
    for (const tool of current) {
      if (only && !only.includes(tool.name)) continue;
      const kept = previous?.tools[tool.name];
      const sha256 = toolHash(tool);
      tools[tool.name] = kept?.sha256 === sha256 ? kept : { sha256, definition: pinnedDefinition(tool), approved_at: now, approved_by: actor };
    }
    (this.#tenants[tenant] ??= {})[server] = { approved_at: now, approved_by: actor, tools };
    await this.#save();
    return diff;
  }

  /** Writes are serialised and atomic: a crash leaves the old file or the new one, never half of one. */
  #save(): Promise<void> {
    const text = JSON.stringify({ version: 1, tenants: this.#tenants }, null, 2);
    this.#writing = this.#writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.file);
    });
    return this.#writing;
  }
}
