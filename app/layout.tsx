import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { currentSession } from '../server/auth/page-session.js';
import accountStyles from './login/login.module.css';
import { LogoutButton } from './login/logout-button';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Sluice', template: '%s · Sluice' },
  description: 'Operations console for message queues, with a built-in Kafka-compatible broker.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a className="brand" href="/">
            <span className="brand-mark" aria-hidden="true" />
            Sluice
          </a>
          {session && (
            <nav className="nav" aria-label="Main">
              <a className="nav-link active" href="/" aria-current="page">
                Overview
              </a>
              <span className="nav-link disabled" title="Coming soon">Topics</span>
              <span className="nav-link disabled" title="Coming soon">Consumer groups</span>
              <span className="nav-link disabled" title="Coming soon">Clusters</span>
            </nav>
          )}
          {session && (
            <nav className={accountStyles.account} aria-label="Account">
              <span className="muted" data-testid="signed-in-as">
                {session.username} · {session.role}
              </span>
              <LogoutButton csrfToken={session.csrfToken} />
            </nav>
          )}
        </header>
        <Providers>
          <main className="content">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
