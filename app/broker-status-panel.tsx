'use client';

import { useQuery } from '@tanstack/react-query';
import type { BrokerState, BrokerStatus } from '../broker/runtime.js';
import { brokerKeys } from '../lib/query-keys';

export const BROKER_STATUS_REFRESH_MS = 2_000;

/** null: the server answered that no broker is running (503). */
async function fetchBrokerStatus(): Promise<BrokerStatus | null> {
  const res = await fetch('/api/v1/broker', { cache: 'no-store', headers: { accept: 'application/json' } });
  if (res.status === 503) return null;
  if (!res.ok) throw new Error(`GET /api/v1/broker answered ${res.status}`);
  return (await res.json()) as BrokerStatus;
}

export function BrokerStatusPanel({
  initialStatus,
  initialUpdatedAt,
}: {
  initialStatus: BrokerStatus | null;
  initialUpdatedAt: number;
}) {
  const query = useQuery({
    queryKey: brokerKeys.status(),
    queryFn: fetchBrokerStatus,
    initialData: initialStatus,
    initialDataUpdatedAt: initialUpdatedAt,
    refetchInterval: BROKER_STATUS_REFRESH_MS,
  });
  const status = query.data;

  return (
    <section aria-label="Broker status">
      <div className="live-line" role="status">
        {query.isError ? (
          <span className="live-indicator error">Connection to the server lost, retrying…</span>
        ) : (
          <span className="live-indicator">Live, refreshed every {BROKER_STATUS_REFRESH_MS / 1000} s</span>
        )}
        <span className="muted">
          Last update <time dateTime={new Date(query.dataUpdatedAt).toISOString()}>{formatTime(query.dataUpdatedAt)}</time>
        </span>
      </div>
      {status ? <StatusCards status={status} /> : <NotRunning />}
    </section>
  );
}

function NotRunning() {
  return (
    <div className="card notice" data-testid="broker-not-running">
      <h2>Broker not running</h2>
      <p>
        No broker is running in this server process. It starts with the server (<code>npm start</code>); check the server
        log for a startup error.
      </p>
    </div>
  );
}

function StatusCards({ status }: { status: BrokerStatus }) {
  const listener = status.kafkaListener;
  return (
    <div className="cards">
      <article className="card" data-testid="card-state">
        <h2>State</h2>
        <p className="value">
          <StateBadge state={status.state} />
        </p>
        <p className="detail">
          pid {status.pid} · Sluice {status.version}
        </p>
      </article>

      <article className="card" data-testid="card-uptime">
        <h2>Up since</h2>
        <p className="value compact">
          <time dateTime={new Date(status.startedAt).toISOString()}>{formatDateTime(status.startedAt)}</time>
          <span className="unit"> UTC</span>
        </p>
        <p className="detail" data-testid="uptime">
          uptime {formatDuration(status.uptimeMs)}
        </p>
      </article>

      <article className="card" data-testid="card-topics">
        <h2>Topics</h2>
        <p className="value">{status.topics.toLocaleString('en-US')}</p>
        <p className="detail">
          {status.partitions.toLocaleString('en-US')} {status.partitions === 1 ? 'partition' : 'partitions'}
        </p>
      </article>

      <article className="card" data-testid="card-disk">
        <h2>On disk</h2>
        <p className="value" title={`${status.bytesOnDisk.toLocaleString('en-US')} bytes`}>
          {formatBytes(status.bytesOnDisk)}
        </p>
        <p className="detail">log segments and indexes</p>
      </article>

      <article className="card wide" data-testid="card-flush">
        <h2>Flush policy</h2>
        <p className="value">
          <code>{status.flushPolicy}</code>
          {status.flushPolicy === 'interval' ? <span className="muted"> every {status.flushIntervalMs} ms</span> : null}
        </p>
        <p className="detail">
          {status.flushPolicy === 'sync'
            ? 'Appends are acknowledged only after fdatasync (concurrent appends share one), so an acknowledged message survives a power loss.'
            : `Appends are acknowledged once written to the OS and synced every ${status.flushIntervalMs} ms: faster, but a machine crash can lose the last ${status.flushIntervalMs} ms of acknowledged messages.`}
        </p>
      </article>

      <article className="card wide" data-testid="card-kafka">
        <h2>Kafka listener</h2>
        <p className="value mono">
          {formatHostPort(listener.host, listener.port)}
          {!listener.enabled ? (
            <span className="tag">disabled</span>
          ) : listener.listening ? null : (
            <span className="tag">not listening</span>
          )}
        </p>
        <p className="detail">
          {!listener.enabled
            ? 'Disabled by SLUICE_KAFKA_ENABLED=false: Kafka clients cannot connect to this broker.'
            : listener.listening
              ? `Clients are told to connect to ${formatHostPort(listener.advertisedHost, listener.port)} · ${listener.connections.toLocaleString('en-US')} ${listener.connections === 1 ? 'connection' : 'connections'}.`
              : `Not accepting connections while the broker is ${status.state}; clients are told to connect to ${formatHostPort(listener.advertisedHost, listener.port)}.`}
        </p>
      </article>

      <article className="card full" data-testid="card-data-dir">
        <h2>Data directory</h2>
        <p className="value mono" data-testid="data-dir">
          {status.dataDir}
        </p>
        <p className="detail">Topic logs, their indexes and topic metadata; set with SLUICE_DATA_DIR.</p>
      </article>
    </div>
  );
}

const STATE_LABEL: Record<BrokerState, string> = {
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  stopped: 'Stopped',
};

function StateBadge({ state }: { state: BrokerState }) {
  return (
    <span className={`badge badge-${state}`} data-testid="broker-state">
      {STATE_LABEL[state]}
    </span>
  );
}

// Formatting is deterministic (fixed locale, UTC) so the server's first paint and the client's
// hydration render the same text.

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-01-31 13:45:07`, in UTC. */
function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `13:45:07 UTC`. */
function formatTime(ms: number): string {
  return `${formatDateTime(ms).slice(11)} UTC`;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${hours}h ${pad(minutes)}m`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
