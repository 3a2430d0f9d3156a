/** What to do when there is no subscription yet: the README's "Queues over HTTP" steps. */
export function QueuesEmpty({ cluster }: { cluster: string }) {
  // A fixed address rather than window.location: the server render must match the browser's.
  const origin = 'http://127.0.0.1:3000';
  const curl = [
    'T="Authorization: Bearer slu_…"   # an operator token: POST /api/v1/tokens',
    `curl -XPOST -H "$T" ${origin}/api/v1/clusters/${encodeURIComponent(cluster)}/topics -d '{"name":"orders","partitions":3}'`,
    `curl -XPOST -H "$T" ${origin}/api/v1/queues/orders/subscriptions -d '{"name":"billing","config":{"maxAttempts":5}}'`,
    `curl -XPOST -H "$T" ${origin}/api/v1/queues/orders/messages -d '{"messages":[{"key":"o-1","value":{"total":42},"encoding":"json"}]}'`,
    `curl -XPOST -H "$T" ${origin}/api/v1/queues/orders/subscriptions/billing/receive -d '{"max":10,"waitMs":5000}'`,
  ].join('\n');
  return (
    <div data-testid="queues-empty">
      <p className="muted">
        No queue subscriptions yet. A subscription reads a topic with acknowledgements, leases, redelivery and a dead-letter
        topic; create one with the queue API:
      </p>
      <pre className="payload">{curl}</pre>
    </div>
  );
}
