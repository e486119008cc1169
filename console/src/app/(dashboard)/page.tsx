import { redirect } from 'next/navigation';
import { requireViewer } from '../../lib/gateway';
import { navFor } from '../../lib/navigation';

export default async function Home({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { me } = await requireViewer();
  const { denied } = await searchParams;
  const first = navFor(me.roles)[0];
  if (!denied && first) redirect(first.href);
  return (
    <p className="notice" role="alert">
      {denied ? `Your roles (${me.roles.join(', ')}) do not open ${denied}.` : 'Your roles open no console page.'}
      {first ? <> Go to <a href={first.href}>{first.label}</a>.</> : null}
    </p>
  );
}
