'use server';
import { HttpError } from '@airlock/sdk';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requirePage } from '../../lib/gateway';

export interface KeyFormState {
  readonly error: string | null;
  /** The new key, shown once. */
  readonly created: string | null;
}

const NewKeySchema = z.object({
  team: z.string().trim().min(1, 'A key needs a team.'),
  user: z.string().trim().min(1, 'A key needs a user.'),
  roles: z.array(z.string().trim().min(1)).min(1, 'Pick at least one role.'),
});

export async function createKey(_previous: KeyFormState, form: FormData): Promise<KeyFormState> {
  const parsed = NewKeySchema.safeParse({ team: form.get('team'), user: form.get('user'), roles: form.getAll('roles') });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, created: null };
  const { admin } = await requirePage('/keys');
  try {
    const key = await admin.keys.create(parsed.data);
    revalidatePath('/keys');
    return { error: null, created: key.key };
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) return { error: error.message.replace(/^.*? answered \d+: /, ''), created: null };
    throw error;
  }
}

export async function revokeKey(form: FormData): Promise<void> {
  const id = z.string().min(1).parse(form.get('id'));
  const { admin } = await requirePage('/keys');
  await admin.keys.revoke(id);
  revalidatePath('/keys');
}
