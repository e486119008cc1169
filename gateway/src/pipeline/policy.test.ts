import { describe, expect, it } from 'vitest';
import type { PolicyInput } from '@airlock/policies';
import type { PolicyHolder } from '../policy/policy-engine.js';
import { UsageTracker } from '../policy/usage.js';
import { bufferedAnswer, callContext, config, nextGiving } from '../../test/helpers/stage-kit.js';
import { policyStage } from './policy.js';

const cfg = config({ policy: { enabled: true, watch: false } });

/** A bundle whose engine answers `decision` (or throws it) and keeps the inputs it was asked about. */
function bundle(decision: unknown) {
  const inputs: PolicyInput[] = [];
  const engine = {
    decide(input: PolicyInput) {
      inputs.push(input);
      if (decision instanceof Error) throw decision;
      return decision;
    },
  };
  const holder = { current: { engine, failOpen: false, revision: 'rev-1' } } as unknown as PolicyHolder;
  return { holder, inputs };
}

function policed(decision: unknown, audit: unknown[] = []) {
  const { holder, inputs } = bundle(decision);
  const stage = policyStage({ config: cfg, policy: holder, usage: new UsageTracker(), log: { warn: () => undefined }, store: { audit: { append: (e: unknown) => audit.push(e) } } as never });
  const ctx = callContext();
  ctx.principal = { keyId: 'k1', tenant: 'default', team: 'support', user: 'ann', roles: ['user'] };
  ctx.requestedModel = 'gpt-alias';
  ctx.model = cfg.models.get('gpt-alias')!;
  ctx.body = { model: 'gpt-alias', messages: [{ role: 'user', content: 'hi' }] };
  ctx.pii = { EMAIL: 2 };
  return { stage, ctx, inputs, next: nextGiving(bufferedAnswer({})) };
}

describe('policy stage', () => {
  it('asks with the resolved model, the deployments that would serve it and the scan\'s counts; an allow hands on', () => {
    const { stage, ctx, inputs, next } = policed({ allow: true });
    stage.run(ctx, next);
    expect(next.calls).toBe(1);
    expect(inputs[0]!.call).toMatchObject({ model: 'gpt-x', provider: 'openai', pii: { EMAIL: 2 }, deployments: [{ id: 'oa/gpt-upstream', provider: 'openai', model: 'gpt-upstream', region: 'eu' }] });
    expect(ctx.decision).toMatchObject({ kind: 'allow', revision: 'rev-1' });
  });

  it('a deny is a 403 with the reasons, audited, and nothing after runs', () => {
    const audit: unknown[] = [];
    const { stage, ctx, next } = policed({ allow: false, deny: ['no gpt for you'] }, audit);
    expect(() => stage.run(ctx, next)).toThrow(expect.objectContaining({ status: 403, message: 'Denied by policy: no gpt for you' }));
    expect(next.calls).toBe(0);
    expect(audit).toEqual([expect.objectContaining({ action: 'policy.decision', subject: ctx.id, details: expect.objectContaining({ decision: 'deny' }) })]);
  });

  it('applies a route with fallbacks, a redaction plan and labels', () => {
    const { stage, ctx, next } = policed({ allow: true, route: { model: 'demo-1', fallbacks: ['gpt-x'] }, redact: { entities: ['EMAIL'], mode: 'mask' }, labels: { tier: 'gold' } });
    stage.run(ctx, next);
    expect(ctx.model?.name).toBe('demo-1');
    expect(ctx.model?.deployments.map((d) => d.provider)).toEqual(['demo', 'openai']);
    expect(ctx.modelNames).toEqual(['demo-1', 'gpt-x']);
    expect([...ctx.redactionPlan!.entities]).toEqual(['EMAIL']);
    expect(ctx.redactionPlan!.mode).toBe('mask');
    expect(ctx.labels.tier).toBe('gold');
  });

  it('fails closed on an engine error or a malformed decision, and a route to an unknown model is refused', () => {
    for (const decision of [new Error('boom'), { allow: 'yes' }, undefined]) {
      const { stage, ctx, next } = policed(decision);
      expect(() => stage.run(ctx, next)).toThrow(expect.objectContaining({ code: 'GW_ERR_POLICY_DENIED' }));
      expect(next.calls).toBe(0);
    }
    const { stage, ctx, next } = policed({ allow: true, route: { model: 'ghost' } });
    expect(() => stage.run(ctx, next)).toThrow(/routed to unknown model ghost/);
  });

  it('a hold is a 403 that says who must approve', () => {
    const { stage, ctx, next } = policed({ allow: false, hold: { reason: 'large refund', approver_role: 'finance', quorum: 1 } });
    expect(() => stage.run(ctx, next)).toThrow(expect.objectContaining({ code: 'GW_ERR_APPROVAL_REQUIRED', message: expect.stringContaining('finance') }));
  });

  it('the request phase sees the history\'s tool calls as context, never as tool_calls to decide', () => {
    const { stage, ctx, inputs, next } = policed({ allow: true });
    ctx.body = {
      model: 'gpt-alias',
      tools: [{ type: 'function', function: { name: 'delete_customer' } }],
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'delete_customer', arguments: '{"id":7}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
    };
    stage.run(ctx, next);
    expect(inputs[0]!.phase).toBe('request');
    expect(inputs[0]!.call.tool_calls).toEqual([]);
    expect(inputs[0]!.call.history_tool_calls).toEqual([{ id: 'c1', name: 'delete_customer', arguments: { id: 7 } }]);
  });

  it('the response phase asks once per answered tool call, with the request\'s input; an engine error refuses the call', async () => {
    const answer = bufferedAnswer({
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }, { id: 't2', type: 'function', function: { name: 'boom', arguments: '{}' } }] }, finish_reason: 'tool_calls' }],
    });
    const inputs: PolicyInput[] = [];
    const engine = {
      decide(input: PolicyInput) {
        inputs.push(input);
        if (input.phase === 'response' && input.call.tool_calls[0]!.name === 'boom') throw new Error('engine down');
        return { allow: true };
      },
    };
    const holder = { current: { engine, failOpen: false, revision: 'rev-1' } } as unknown as PolicyHolder;
    const stage = policyStage({ config: cfg, policy: holder, usage: new UsageTracker(), log: { warn: () => undefined }, store: null });
    const ctx = callContext();
    ctx.principal = { keyId: 'k1', tenant: 'default', team: 'support', user: 'ann', roles: ['user'] };
    ctx.model = cfg.models.get('gpt-alias')!;
    ctx.body = { model: 'gpt-alias', tools: [{ type: 'function', function: { name: 'lookup' } }], messages: [{ role: 'user', content: 'hi' }] };
    const out = await stage.run(ctx, nextGiving(answer));
    expect(inputs.map((i) => [i.phase, i.call.tool_calls.map((c) => c.name)])).toEqual([['request', []], ['response', ['lookup']], ['response', ['boom']]]);
    expect(inputs[1]!.usage).toBe(inputs[0]!.usage);
    const body = JSON.parse(out.body!.toString('utf8')) as { choices: { message: { content: string; tool_calls: { id: string }[] }; finish_reason: string }[] };
    expect(body.choices[0]!.message.tool_calls.map((c) => c.id)).toEqual(['t1']);
    expect(body.choices[0]!.message.content).toContain('denied by policy (policy evaluation failed: engine down)');
    expect(ctx.labels['policy.response.denied']).toBe('boom');
  });

  it('without a bundle it only hands on', () => {
    const ctx = callContext();
    const next = nextGiving(bufferedAnswer({}));
    policyStage({ config: cfg, policy: null, usage: new UsageTracker(), log: { warn: () => undefined }, store: null }).run(ctx, next);
    expect(next.calls).toBe(1);
    expect(ctx.decision).toBeNull();
  });
});
