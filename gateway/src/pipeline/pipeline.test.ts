import { describe, expect, it } from 'vitest';
import { Histogram } from '../metrics/registry.js';
import { Sealer } from '../crypto/sealed.js';
import { bufferedAnswer, callContext } from '../../test/helpers/stage-kit.js';
import type { CallContext } from './call-context.js';
import { Pipeline } from './pipeline.js';
import { isPending, type Answer, type Stage } from './stage.js';

const sealer = new Sealer({ key: undefined, file: '/nonexistent' });
const histogram = () => new Histogram('airlock_stage_seconds', 'test', ['stage'], [1]);

/** A stage that logs its way in and out, around whatever comes after it. */
function wrapper(id: string, log: string[]): Stage {
  return {
    id,
    run(ctx, next) {
      log.push(`${id}>`);
      const r = next();
      if (isPending(r)) return r.then((a) => (log.push(`<${id}`), a));
      log.push(`<${id}`);
      return r;
    },
    resume(ctx, next) {
      log.push(`${id}~`);
      return next();
    },
  };
}

const answering = (answer: Answer | Promise<Answer>): Stage => ({ id: 'answer', run: () => answer });

describe('pipeline', () => {
  it('runs the stages in order, each around the ones after it, and stays synchronous while they are', () => {
    const log: string[] = [];
    const answer = bufferedAnswer({});
    const result = new Pipeline('t', [wrapper('a', log), wrapper('b', log), answering(answer)], histogram(), sealer).run(callContext());
    expect(result).toBe(answer);
    expect(log).toEqual(['a>', 'b>', '<b', '<a']);
  });

  it('returns a promise once a stage waits, and the stages before it see the answer when it comes', async () => {
    const log: string[] = [];
    const answer = bufferedAnswer({});
    const result = new Pipeline('t', [wrapper('a', log), answering(Promise.resolve(answer))], histogram(), sealer).run(callContext());
    expect(isPending(result)).toBe(true);
    expect(await result).toBe(answer);
    expect(log).toEqual(['a>', '<a']);
  });

  it('times each stage until it hands on or answers, and observes the times once, when the call ends', async () => {
    const h = histogram();
    const slow: Stage = { id: 'slow', run: (_ctx, next) => new Promise((r) => setTimeout(r, 30)).then(next) };
    const pipeline = new Pipeline('t', [slow, answering(bufferedAnswer({}))], h, sealer);
    const ctx = callContext();
    await pipeline.run(ctx);
    pipeline.settled(ctx);
    expect(ctx.stageMs[0]).toBeGreaterThanOrEqual(25);
    expect(ctx.stageMs[1]).toBeLessThan(25);
    pipeline.end(ctx);
    pipeline.end(ctx);
    expect(h.render().find((l) => l.startsWith('airlock_stage_seconds_count{stage="slow"}'))).toBe('airlock_stage_seconds_count{stage="slow"} 1');
  });

  it('runs end hooks once, innermost first, and a hook that throws does not stop the others', () => {
    const order: string[] = [];
    const hooked = (id: string, fail = false): Stage => ({
      id,
      run(ctx, next) {
        ctx.onEnd.push(() => {
          order.push(id);
          if (fail) throw new Error('bookkeeping failed');
        });
        return next();
      },
    });
    const pipeline = new Pipeline('t', [hooked('outer'), hooked('inner', true), answering(bufferedAnswer({}))], histogram(), sealer);
    const ctx = callContext();
    pipeline.run(ctx);
    pipeline.end(ctx);
    pipeline.end(ctx);
    expect(order).toEqual(['inner', 'outer']);
    expect(ctx.doneAt).not.toBeNull();
  });

  it('entering at a resume point re-enters the stages before it through resume, then runs the rest', () => {
    const log: string[] = [];
    const plain: Stage = { id: 'plain', run: () => { throw new Error('must not run again'); } };
    const pipeline = new Pipeline('t', [wrapper('a', log), plain, wrapper('b', log), answering(bufferedAnswer({}))], histogram(), sealer);
    const ctx: CallContext = callContext();
    pipeline.enter(ctx, 0, 2);
    expect(log).toEqual(['a~', 'b>', '<b']);
  });

  it('refuses a list with two stages of one id, and a last stage that hands on', () => {
    expect(() => new Pipeline('t', [answering(bufferedAnswer({})), answering(bufferedAnswer({}))], histogram(), sealer)).toThrow(/unique/);
    const handsOn: Stage = { id: 'x', run: (_c, next) => next() };
    expect(() => new Pipeline('t', [handsOn], histogram(), sealer).run(callContext())).toThrow(/handed on/);
  });
});
