import type { Metadata } from 'next';
import { adminPageAccess } from '../../../server/console/admin/access.js';
import { loadTokens } from '../../../server/console/admin/data.js';
import { AdminTabs } from '../admin-tabs';
import { TokensPanel } from './tokens-panel';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const { session } = await adminPageAccess('tokens');
  const everyone = session.role === 'admin';
  const tokens = await loadTokens(session, everyone);
  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
        <p className="muted">
          For scripts and automation: <code>Authorization: Bearer slu_…</code>. A token never has more rights than its owner.
          {everyone ? ' As an admin you see and can revoke every user’s tokens.' : ''}
        </p>
      </div>
      <AdminTabs role={session.role} current="tokens" />
      <TokensPanel
        initialTokens={tokens}
        initialUpdatedAt={Date.now()}
        scope={everyone ? 'all' : 'mine'}
        csrfToken={session.csrfToken}
        me={session.username}
        myRole={session.role}
      />
    </>
  );
}
