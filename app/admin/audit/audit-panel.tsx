'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { adminKeys } from '../../../lib/admin-query-keys';
import { describeError, FRESH_FROM_SERVER } from '../api';
import styles from '../admin.module.css';
import auditStyles from './audit.module.css';
import { exportUrl, fetchAuditPage, filterParams, type AuditFilterValues, type AuditPage } from './audit-api';
import { AuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';

export function AuditPanel({
  initialFilter,
  initialPage,
  initialUpdatedAt,
  filterProblem,
}: {
  initialFilter: AuditFilterValues;
  initialPage: AuditPage;
  initialUpdatedAt: number;
  filterProblem: string | null;
}) {
  const [filter, setFilter] = useState<AuditFilterValues>(initialFilter);
  const isInitial = JSON.stringify(filter) === JSON.stringify(initialFilter);
  const audit = useInfiniteQuery({
    queryKey: adminKeys.audit(filter),
    queryFn: ({ pageParam }) => fetchAuditPage(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The server rendered the first page of the filter in the URL; other filters load here.
    ...(isInitial ? { initialData: { pages: [initialPage], pageParams: [undefined] }, initialDataUpdatedAt: initialUpdatedAt, ...FRESH_FROM_SERVER } : {}),
  });

  function apply(next: AuditFilterValues) {
    setFilter(next);
    const query = filterParams(next).toString();
    // The address follows the filters, so reloading or sharing it shows the same view.
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  }

  const events = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <section className={styles.panel} aria-label="Filters">
        {filterProblem && (
          <p className={styles.warning} role="alert">
            {filterProblem}
          </p>
        )}
        <AuditFilters filter={filter} onApply={apply} />
      </section>
      <section className={styles.panel} aria-labelledby="audit-title">
        <div className={styles.panelHead}>
          <h2 id="audit-title">Events</h2>
          <div className={styles.rowActions}>
            <span className="muted" role="status">
              {audit.isFetching && !audit.isFetchingNextPage ? 'Loading…' : `${events.length}${audit.hasNextPage ? '+' : ''} shown`}
            </span>
            <a className={styles.secondary} href={exportUrl(filter, 'csv')} download data-testid="export-csv">
              Export CSV
            </a>
            <a className={styles.secondary} href={exportUrl(filter, 'json')} download data-testid="export-json">
              Export JSON
            </a>
          </div>
        </div>
        {audit.isError && (
          <p className={styles.inlineError} role="alert">
            Could not load the audit log: {describeError(audit.error)}{' '}
            <button type="button" className={styles.small} onClick={() => void audit.refetch()}>
              Retry
            </button>
          </p>
        )}
        {audit.isPending ? <p className={styles.loading}>Loading events…</p> : <AuditTable events={events} />}
        {audit.hasNextPage && (
          <div className={auditStyles.more}>
            <button type="button" className={styles.secondary} onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage} data-testid="load-more">
              {audit.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
