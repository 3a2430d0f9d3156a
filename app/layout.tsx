import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Sluice', template: '%s · Sluice' },
  description: 'Operations console for message queues, with a built-in Kafka-compatible broker.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a className="brand" href="/">
            <span className="brand-mark" aria-hidden="true" />
            Sluice
          </a>
          <nav className="nav" aria-label="Main">
            <a className="nav-link active" href="/" aria-current="page">
              Overview
            </a>
            <span className="nav-link disabled" title="Coming soon">Topics</span>
            <span className="nav-link disabled" title="Coming soon">Consumer groups</span>
            <span className="nav-link disabled" title="Coming soon">Clusters</span>
          </nav>
        </header>
        <Providers>
          <main className="content">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
