/**
 * MCP tool calls: PII in the arguments is redacted before they reach the server, and PII in the result before the
 * agent sees it, when the plan says so (the policy's, or with no bundle the config's for servers marked external).
 * Redaction is reversible within the session: placeholders a result gave the agent are put back when the agent
 * passes them to a tool again (mcp-message.ts), and placeholders the server echoes are restored in its result.
 */
import { redactBody, restoreBody, type RedactionPlan } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { planFor } from './redact.js';
import type { Next, Stage } from './stage.js';

type Deps = Pick<StageDeps, 'config' | 'store' | 'policy'>;

function chosenPlan(ctx: CallContext, deps: Deps): Omit<RedactionPlan, 'hashKey'> | null {
  if (ctx.redactionPlan) return ctx.redactionPlan;
  const settings = deps.config.redaction;
  // A bundle that chose no redaction chose none; without a bundle, external servers get the config's, both ways.
  if (deps.policy || !settings || !ctx.mcp!.server?.external) return null;
  return { ...settings.plan, output: true };
}

export function mcpRedactStage(deps: Deps): Stage {
  return {
    id: 'redact',
    run(ctx: CallContext, next: Next) {
      const m = ctx.mcp!;
      if (m.method !== 'tools/call' || !m.session) return next();
      const vault = m.session.vault;
      const chosen = chosenPlan(ctx, deps);
      if (!chosen) {
        m.resultFilter = vault.size ? (result) => restoreBody(result, vault) as Record<string, unknown> : null;
        return next();
      }
      const plan = planFor(ctx, deps, chosen);
      ctx.body = redactBody('mcp', ctx.body, plan, vault, ctx.piiFindings).body;
      ctx.redaction = { plan, vault };
      if (deps.store) ctx.redactedRequest = JSON.stringify(ctx.body);
      m.resultFilter = (result) => {
        const restored = restoreBody(result, vault) as Record<string, unknown>;
        if (!plan.output) return restored;
        const { body, scan } = redactBody('mcp', restored, plan, vault);
        if (scan.redacted) ctx.labels['mcp.result.redacted'] = String(scan.redacted);
        if (deps.store) ctx.upstreamResponseText = JSON.stringify(body);
        return body;
      };
      return next();
    },
  };
}
