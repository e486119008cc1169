import type { Principal } from '../auth/principal.js';
import type { Stage } from './stage.js';

export const authenticateStage: Stage = {
  id: 'authenticate',
  run(ctx, deps) {
    const found = deps.authenticator.authenticate(ctx.headers);
    if (!(found instanceof Promise)) {
      ctx.principal = found;
      return;
    }
    return found.then((p: Principal) => {
      ctx.principal = p;
    });
  },
};
