import type { Principal } from '../auth/principal.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { isPending, type Next, type Stage } from './stage.js';

/** Who calls: the virtual key in the headers, resolved to its principal (a 401 ends the call here). */
export function authenticateStage(deps: Pick<StageDeps, 'authenticator'>): Stage {
  return {
    id: 'authenticate',
    run(ctx: CallContext, next: Next) {
      const found = deps.authenticator.authenticate(ctx.headers);
      if (isPending(found)) return found.then((principal: Principal) => ((ctx.principal = principal), next()));
      ctx.principal = found;
      return next();
    },
  };
}
