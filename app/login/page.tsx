import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentSession, safeNextPath } from '../../server/auth/page-session.js';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === 'string' ? params.next : undefined);
  const session = await currentSession();
  if (session && !session.mustChangePassword) redirect(next);
  return (
    <div className="page-head">
      <h1>{session ? 'Choose a new password' : 'Sign in to Sluice'}</h1>
      <LoginForm next={next} mustChange={session?.mustChangePassword ?? false} csrfToken={session?.csrfToken ?? null} />
    </div>
  );
}
