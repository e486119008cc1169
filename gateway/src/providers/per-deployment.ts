/**
 * Values derived from a deployment alone (its upstream headers, say) are built once per deployment object, not on
 * every call: deployments come from the config and never change.
 */
import type { Deployment } from './provider.js';

export function perDeployment<T>(build: (deployment: Deployment) => T): (deployment: Deployment) => T {
  const built = new WeakMap<Deployment, T>();
  return (deployment) => {
    let value = built.get(deployment);
    if (value === undefined) built.set(deployment, (value = build(deployment)));
    return value;
  };
}
