import 'server-only';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The console's environment, read once at start-up. */
const EnvSchema = z.object({
  /** The gateway's origin; the console calls nothing else. */
  AIRLOCK_URL: z.url().default('http://127.0.0.1:8080'),
  /** Encrypts the session cookie. Without it, a random secret per process: sessions end when the console restarts. */
  CONSOLE_SESSION_SECRET: z.string().min(32, 'CONSOLE_SESSION_SECRET needs at least 32 characters').optional(),
  /** Hours a sign-in lasts. */
  CONSOLE_SESSION_HOURS: z.coerce.number().positive().default(12),
});

const parsed = EnvSchema.safeParse(process.env);
if (!parsed.success) {
  throw new Error(`Invalid console environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

export const env = {
  gatewayURL: parsed.data.AIRLOCK_URL.replace(/\/+$/, ''),
  sessionSecret: parsed.data.CONSOLE_SESSION_SECRET ?? randomBytes(32).toString('hex'),
  sessionMs: parsed.data.CONSOLE_SESSION_HOURS * 3_600_000,
} as const;
