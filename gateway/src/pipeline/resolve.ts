/**
 * Which model serves the call, before policy: an unknown model is the 404 `model_not_found` clients and their SDKs
 * expect (`NotFoundError`), not a policy refusal, and the policy input can say which deployments would serve it.
 */
import type { ModelRoute } from '../config/load.js';
import { GatewayError } from '../errors.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Next, Stage } from './stage.js';

export function unknownModel(name: string): GatewayError {
  return new GatewayError('GW_ERR_UNKNOWN_MODEL', `The model \`${name}\` does not exist or you do not have access to it.`, { param: 'model' });
}

/**
 * The route for a list of model names: one model's own, or (a policy's route with fallbacks) the first model's
 * deployments followed by its fallback models', tried in order. Null when a name is not a configured model.
 */
export function routeFor(names: readonly string[], models: ReadonlyMap<string, ModelRoute>): ModelRoute | null {
  const found: ModelRoute[] = [];
  for (const name of names) {
    const m = models.get(name);
    if (!m) return null;
    found.push(m);
  }
  const first = found[0];
  if (!first || found.length === 1) return first ?? null;
  return {
    ...first,
    deployments: found.flatMap((m) => m.deployments),
    routing: { ...first.routing, strategy: 'fallback', fallback: true },
  };
}

export function resolveStage(deps: Pick<StageDeps, 'config'>): Stage {
  return {
    id: 'resolve',
    run(ctx: CallContext, next: Next) {
      const model = deps.config.models.get(ctx.requestedModel);
      if (!model) throw unknownModel(ctx.requestedModel);
      ctx.model = model;
      return next();
    },
  };
}
