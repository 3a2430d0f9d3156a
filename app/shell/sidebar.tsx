'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { paths } from '../../lib/format.js';
import { ThemeToggle } from './theme';

export interface SidebarProps {
  clusters: { name: string; kind: string }[];
  defaultCluster: string;
  isAdmin: boolean;
  account: ReactNode;
}

/** The cluster in the URL (`/clusters/<name>/…`), else the default one. */
function currentCluster(pathname: string, fallback: string): string {
  const m = /^\/clusters\/([^/]+)/.exec(pathname);
  return m ? decodeURIComponent(m[1]!) : fallback;
}

export function Sidebar({ clusters, defaultCluster, isAdmin, account }: SidebarProps) {
  const pathname = usePathname() ?? '/';
  const router = useRouter();
  const cluster = currentCluster(pathname, defaultCluster);
  const link = (href: string, label: string, exact = false) => {
    const active = exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
    return (
      <Link href={href} className={`side-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
        {label}
      </Link>
    );
  };
  return (
    <aside className="sidebar">
      <header>
        <Link className="brand" href="/">
          <span className="brand-mark" aria-hidden="true" />
          Sluice
        </Link>
      </header>
      <label className="side-label" htmlFor="cluster-switcher">
        Cluster
      </label>
      <select
        id="cluster-switcher"
        className="input"
        value={cluster}
        onChange={(e) => router.push(paths.topics(e.target.value))}
        data-testid="cluster-switcher"
      >
        {clusters.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} ({c.kind})
          </option>
        ))}
      </select>
      <nav aria-label="Main" className="side-nav">
        {link(paths.cluster(cluster), 'Overview', true)}
        {link(paths.topics(cluster), 'Topics')}
        {link(paths.groups(cluster), 'Consumer groups')}
        {link(`${paths.cluster(cluster)}/queues`, 'Queues')}
      </nav>
      {isAdmin ? (
        <nav aria-label="Admin" className="side-nav">
          <span className="side-label">Admin</span>
          {link('/admin/users', 'Users')}
          {link('/admin/tokens', 'API tokens')}
          {link('/admin/audit', 'Audit log')}
        </nav>
      ) : (
        // Everyone manages their own API tokens; users and the audit log are admin-only.
        <nav aria-label="Account" className="side-nav">
          <span className="side-label">Account</span>
          {link('/admin/tokens', 'API tokens')}
        </nav>
      )}
      <div className="side-foot">
        <ThemeToggle />
        {account}
      </div>
    </aside>
  );
}
