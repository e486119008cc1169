import Link from 'next/link';
import type { ReactNode } from 'react';
import { requireViewer } from '../../lib/gateway';
import { navFor } from '../../lib/navigation';
import { signOut } from '../login/actions';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { me } = await requireViewer();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Console">
        <strong style={{ padding: '0.4rem 0.6rem' }}>Airlock</strong>
        {navFor(me.roles).map((item) => (
          <Link key={item.href} href={item.href}>
            {item.label}
          </Link>
        ))}
        <div className="who">
          <div data-testid="who">
            {me.user} · {me.team} · {me.tenant}
          </div>
          <div>{me.roles.join(', ')}</div>
          <form action={signOut}>
            <button type="submit" className="secondary" style={{ marginTop: '0.5rem' }}>
              Sign out
            </button>
          </form>
        </div>
      </nav>
      <main>{children}</main>
    </div>
  );
}
