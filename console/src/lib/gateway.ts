import 'server-only';
import { createAirlock, HttpError, type AdminClient, type Me } from '@airlock/sdk';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { env } from '../env';
import { canSee, NAV } from './navigation';
import { readSession } from './session';

/** An admin client acting as `key`: the console reaches the gateway's admin API only, with the user's own key. */
export const adminAs = (key: string): AdminClient => createAirlock({ baseURL: env.gatewayURL, apiKey: key, tracesURL: false }).admin;

export interface Viewer {
  readonly me: Me;
  readonly admin: AdminClient;
}

/** The signed-in viewer for this request (one `/admin/me` per request), or a redirect to the sign-in page. */
export const requireViewer = cache(async (): Promise<Viewer> => {
  const session = await readSession();
  if (!session) redirect('/login');
  const admin = adminAs(session.key);
  try {
    return { me: await admin.me(), admin };
  } catch (error) {
    // A revoked key, or one whose roles no longer reach the admin API, ends the session.
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) redirect('/login?expired=1');
    throw error;
  }
});

/** The viewer, if their roles open `href`; otherwise a redirect home (the gateway would refuse the data anyway). */
export async function requirePage(href: string): Promise<Viewer> {
  const viewer = await requireViewer();
  const item = NAV.find((n) => n.href === href);
  if (!item || !canSee(viewer.me.roles, item)) redirect('/?denied=' + encodeURIComponent(href));
  return viewer;
}
