'use server';
import { HttpError, NetworkError } from '@airlock/sdk';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { adminAs } from '../../lib/gateway';
import { endSession, startSession } from '../../lib/session';

export interface SignInState {
  readonly error: string | null;
}

const SignInSchema = z.object({ key: z.string().trim().min(1, 'Enter your Airlock key.').max(512, 'That is not an Airlock key.') });

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = SignInSchema.safeParse({ key: form.get('key') });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  try {
    await adminAs(parsed.data.key).me();
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) return { error: 'The gateway does not know this key, or it was revoked.' };
    if (error instanceof HttpError && error.status === 403) return { error: 'This key has no role that may use the console.' };
    if (error instanceof NetworkError) return { error: 'The gateway cannot be reached right now.' };
    throw error;
  }
  const h = await headers();
  await startSession(parsed.data.key, h.get('x-forwarded-proto') === 'https');
  redirect('/');
}

export async function signOut(): Promise<void> {
  await endSession();
  redirect('/login');
}
