import type { Authenticator } from '../auth/principal.js';
import type { GatewayConfig } from '../config/load.js';
import type { Providers } from '../providers/registry.js';

/** What stages may use: injected once when the app is built, never imported as singletons. */
export interface StageDeps {
  readonly config: GatewayConfig;
  readonly authenticator: Authenticator;
  readonly providers: Providers;
}
