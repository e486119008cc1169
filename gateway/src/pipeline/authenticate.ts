import type { Stage } from './stage.js';

export const authenticateStage: Stage = {
  id: 'authenticate',
  async run(ctx, deps) {
    ctx.principal = await deps.authenticator.authenticate(ctx.headers);
  },
};
