import 'server-only';
import { HttpError, type AdminClient, type ProcessMap } from '@airlock/sdk';
import { z } from 'zod';

/** The workflow and range as they appear in the URL, shared by the process map and the bottleneck view. */
const ProcessSearchSchema = z.object({
  workflow: z.string().trim().min(1).optional().catch(undefined),
  from: z.string().trim().min(1).optional().catch(undefined),
  to: z.string().trim().min(1).optional().catch(undefined),
});
export type ProcessSearch = z.infer<typeof ProcessSearchSchema>;

export interface ProcessView {
  readonly search: ProcessSearch;
  /** The workflows with runs in the range, to pick from. */
  readonly workflows: readonly string[];
  readonly map: ProcessMap | null;
  /** Why the gateway refused the query (a bad date, say), in its words. */
  readonly problem: string | null;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export async function loadProcess(admin: AdminClient, raw: Record<string, string | string[] | undefined>): Promise<ProcessView> {
  const parsed = ProcessSearchSchema.parse({ workflow: first(raw.workflow), from: first(raw.from), to: first(raw.to) });
  const range = { ...(parsed.from ? { from: parsed.from } : {}), ...(parsed.to ? { to: parsed.to } : {}) };
  try {
    const steps = await admin.metrics.steps(range);
    const workflows = [...new Set(steps.rows.map((r) => r.workflow))].sort();
    const workflow = parsed.workflow ?? workflows[0];
    const search = { ...parsed, ...(workflow ? { workflow } : {}) };
    if (!workflow) return { search, workflows, map: null, problem: null };
    return { search, workflows, map: await admin.metrics.process({ ...range, workflow }), problem: null };
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 400) throw error;
    return { search: parsed, workflows: [], map: null, problem: error.message.replace(/^.*? answered 400: /, '') };
  }
}
