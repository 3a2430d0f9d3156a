import { requireSession } from '../server/auth/page-session.js';
import { getBrokerStatus } from '../server/broker-status.js';
import { BrokerStatusPanel } from './broker-status-panel';

// Status is live data: render per request, never at build time.
export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  await requireSession('/');
  const status = getBrokerStatus();
  return (
    <>
      <div className="page-head">
        <h1>Built-in broker</h1>
        <p className="muted">The single-node broker running inside this server process.</p>
      </div>
      <BrokerStatusPanel initialStatus={status} initialUpdatedAt={Date.now()} />
    </>
  );
}
