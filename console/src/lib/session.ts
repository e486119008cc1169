import 'server-only';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { env } from '../env';

/**
 * The session is the caller's Airlock key, sealed (AES-256-GCM) in an httpOnly, SameSite=strict cookie: the
 * console keeps no session state of its own, the browser's JavaScript never sees the key, and no other site can
 * make the browser send it (so mutations, all server actions, are CSRF-safe).
 */
export const SESSION_COOKIE = 'airlock_session';

const SessionSchema = z.object({ key: z.string().min(1), exp: z.number() }).strict();
export type Session = z.infer<typeof SessionSchema>;

const secret = createHash('sha256').update(env.sessionSecret).digest();

export function seal(session: Session): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unseal(value: string | undefined, now = Date.now()): Session | null {
  if (!value) return null;
  try {
    const raw = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const session = SessionSchema.parse(JSON.parse(text));
    return session.exp > now ? session : null;
  } catch {
    return null;
  }
}

export async function readSession(): Promise<Session | null> {
  return unseal((await cookies()).get(SESSION_COOKIE)?.value);
}

export async function startSession(key: string, secure: boolean): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, seal({ key, exp: Date.now() + env.sessionMs }), {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: Math.floor(env.sessionMs / 1000),
  });
}

export async function endSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}
