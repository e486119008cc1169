// A module hook that resolves the workspace's own packages (the SDK) to their TypeScript sources, through the
// `airlock-source` export condition, so the CLI needs no build step for them either.
export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, 'airlock-source'] });
}
