import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { currentSession } from '../server/auth/page-session.js';
import { clusterChoices } from '../server/console/clusters.js';
import { LogoutButton } from './login/logout-button';
import { Providers } from './providers';
import { SessionProvider } from './shell/session-context';
import { Sidebar } from './shell/sidebar';
import { THEME_BOOT_SCRIPT } from './shell/theme-boot';
import { ToastProvider } from './shell/toast';
import './globals.css';
import './console.css';

export const metadata: Metadata = {
  title: { default: 'Sluice', template: '%s · Sluice' },
  description: 'Operations console for message queues, with a built-in Kafka-compatible broker.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  const clusters = session ? await clusterChoices() : [];
  const clientSession = session ? { username: session.username, role: session.role, csrfToken: session.csrfToken } : null;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SessionProvider session={clientSession}>
          <Providers>
            <ToastProvider>
              {session ? (
                <div className="shell">
                  <Sidebar
                    clusters={clusters}
                    defaultCluster={clusters[0]?.name ?? 'built-in'}
                    isAdmin={session.role === 'admin'}
                    account={
                      <div className="side-account">
                        <span className="muted" data-testid="signed-in-as">
                          {session.username} · {session.role}
                        </span>
                        <LogoutButton csrfToken={session.csrfToken} />
                      </div>
                    }
                  />
                  <main className="content" id="main" tabIndex={-1}>
                    {children}
                  </main>
                </div>
              ) : (
                <main className="content" id="main" tabIndex={-1}>
                  {children}
                </main>
              )}
            </ToastProvider>
          </Providers>
        </SessionProvider>
      </body>
    </html>
  );
}
