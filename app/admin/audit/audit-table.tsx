'use client';

import { Fragment, useState } from 'react';
import styles from '../admin.module.css';
import auditStyles from './audit.module.css';
import { formatDateTime } from '../format';
import type { AuditEventView } from './audit-api';

const OUTCOME_CLASS = { success: styles.badgeOk, failure: styles.badgeBad, denied: styles.badgeWarn } as const;

export function AuditTable({ events }: { events: AuditEventView[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Outcome</th>
            <th scope="col">Client</th>
            <th scope="col">
              <span className={styles.srOnly}>Parameters</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={7} className={styles.empty}>
                No events match these filters.
              </td>
            </tr>
          )}
          {events.map((event) => {
            const expanded = open.has(event.id);
            const detailId = `audit-params-${event.id}`;
            return (
              <Fragment key={event.id}>
                <tr data-testid="audit-row" data-action={event.action} data-actor={event.actor}>
                  <td className={styles.nowrap}>{formatDateTime(event.at)}</td>
                  <td className={styles.nowrap}>
                    {event.actor}
                    {event.actorRole && <span className="muted"> · {event.actorRole}</span>}
                  </td>
                  <td>
                    <code>{event.action}</code>
                  </td>
                  <td>
                    <code>{event.target}</code>
                  </td>
                  <td>
                    <span className={OUTCOME_CLASS[event.outcome]} title={event.error ?? undefined}>
                      {event.outcome}
                    </span>
                  </td>
                  <td className="muted">{event.ip ?? '—'}</td>
                  <td>
                    <button type="button" className={styles.small} aria-expanded={expanded} aria-controls={detailId} onClick={() => toggle(event.id)}>
                      {expanded ? 'Hide' : 'Details'}
                    </button>
                  </td>
                </tr>
                {expanded && (
                  <tr id={detailId}>
                    <td colSpan={7}>
                      {event.error && (
                        <p className={auditStyles.detailError}>
                          {event.error}
                        </p>
                      )}
                      <pre className={auditStyles.params} data-testid="audit-params">
                        {JSON.stringify(event.params, null, 2)}
                      </pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
