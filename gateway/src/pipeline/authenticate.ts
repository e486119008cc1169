import type { Stage } from './stage.js';

export const authenticateStage: Stage = {
  id: 'authenticate',
  run(ctx, deps) {
    const found = deps.authenticator.authenticate(ctx.headers);
    if (found instanceof Promise) {
      return found.then((principal) => {
        ctx.principal = principal;
      });
    }
    ctx.principal = found;
  },
};
