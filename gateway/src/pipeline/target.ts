/**
 * API calls through /api/:system: the workflow context, and the system the call goes to, from the config. An
 * unknown system is a 404 and a method the system does not take a 405, before anything is scanned or forwarded.
 */
import { GatewayError } from '../errors.js';
import type { CallContext } from './call-context.js';
import { readWorkflow } from './context.js';
import type { StageDeps } from './deps.js';
import type { Next, Stage } from './stage.js';

export function targetStage(deps: Pick<StageDeps, 'config'>): Stage {
  return {
    id: 'target',
    run(ctx: CallContext, next: Next) {
      ctx.workflow = readWorkflow(ctx.headers);
      const http = ctx.http!;
      const system = deps.config.systems.get(http.system);
      if (!system) throw new GatewayError('GW_ERR_NOT_FOUND', `Unknown system \`${http.system}\`.`);
      if (!system.methods.has(http.method)) throw new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', `${http.method} is not allowed on system \`${system.name}\`.`);
      ctx.target = { system, method: http.method, path: http.path };
      return next();
    },
  };
}
