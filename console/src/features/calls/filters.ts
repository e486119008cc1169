import { z } from 'zod';

/** The call filters as they appear in the URL: every view of the list is a link. Unknown parameters are dropped. */
export const CallSearchSchema = z.object({
  from: z.string().trim().optional(),
  to: z.string().trim().optional(),
  team: z.string().trim().optional(),
  user: z.string().trim().optional(),
  workflow: z.string().trim().optional(),
  run: z.string().trim().optional(),
  model: z.string().trim().optional(),
  status: z.enum(['ok', 'error']).optional().catch(undefined),
  decision: z.enum(['allow', 'deny', 'hold']).optional().catch(undefined),
  pii: z.string().trim().transform((v) => (v.toLowerCase() === 'any' ? 'any' : v.toUpperCase().replace(/\s+/g, ''))).optional(),
  cursor: z.string().optional(),
});
export type CallSearch = z.infer<typeof CallSearchSchema>;

export const FILTER_FIELDS = ['from', 'to', 'team', 'user', 'workflow', 'run', 'model'] as const;

export function parseCallSearch(raw: Record<string, string | string[] | undefined>): CallSearch {
  const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => v !== undefined && v !== ''));
  return CallSearchSchema.parse(flat);
}

export function searchString(search: Partial<CallSearch> & { format?: string }): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}
