/**
 * Finds the running gateway and an admin key as the CLI does: AIRLOCK_URL and AIRLOCK_ADMIN_KEY, else the
 * credential file the gateway wrote at its first start (demo/data when it runs demo/airlock.yaml, data otherwise).
 */
import { fileURLToPath } from 'node:url';
import { readCredentials } from '../gateway/src/cli/local-credentials.js';

const CANDIDATES = ['data/admin-credentials.json', '../data/admin-credentials.json'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export async function gatewayAccess(env: NodeJS.ProcessEnv = process.env): Promise<{ baseURL: string; adminKey: string }> {
  for (const path of CANDIDATES) {
    const found = await readCredentials(path);
    if (!found) continue;
    const baseURL = env.AIRLOCK_URL ?? found.url;
    const adminKey = env.AIRLOCK_ADMIN_KEY ?? found.key;
    if (adminKey) return { baseURL, adminKey };
  }
  if (env.AIRLOCK_ADMIN_KEY) return { baseURL: env.AIRLOCK_URL ?? 'http://127.0.0.1:8080', adminKey: env.AIRLOCK_ADMIN_KEY };
  throw new Error('no admin key: start the gateway first (npm start -- --config demo/airlock.yaml), or set AIRLOCK_URL and AIRLOCK_ADMIN_KEY');
}
