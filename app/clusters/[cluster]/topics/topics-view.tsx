'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { TopicSummary } from '../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../lib/api-client.js';
import { formatBytes, formatCount, paths } from '../../../../lib/format.js';
import { clusterKeys } from '../../../../lib/query-keys.js';
import { useCan } from '../../../shell/session-context';
import { VirtualList } from '../../../ui/virtual-list';
import { TopicActions } from './[topic]/topic-actions';
import { CreateTopicDialog } from './create-topic-dialog';

type Sort = 'name' | 'partitions' | 'size' | 'messages';
interface TopicPage {
  items: TopicSummary[];
  nextCursor: string | null;
}
const PAGE = 500;
const ROW = 38;

export function TopicsView({ cluster, initial }: { cluster: string; initial: TopicPage }) {
  const canWrite = useCan('operator');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setSearch(searchInput.trim()), 250);
    return () => clearTimeout(t);
  }, [searchInput]);

  const isDefault = search === '' && sort === 'name' && order === 'asc';
  const query = useInfiniteQuery({
    queryKey: clusterKeys.topicList(cluster, { search, sort, order }),
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ limit: String(PAGE), sort, order });
      if (search) qs.set('search', search);
      if (pageParam) qs.set('cursor', pageParam);
      return api<TopicPage>(`${clusterPath(cluster, 'topics')}?${qs}`, { signal });
    },
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    ...(isDefault ? { initialData: { pages: [initial], pageParams: [''] } } : {}),
    refetchInterval: 15_000,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const header = (key: Sort, label: string, num = false) => (
    <div role="columnheader" className={num ? 'num' : ''} aria-sort={sort === key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="sort-btn"
        style={num ? { textAlign: 'right' } : undefined}
        onClick={() => {
          if (sort === key) setOrder(order === 'asc' ? 'desc' : 'asc');
          else {
            setSort(key);
            setOrder(key === 'name' ? 'asc' : 'desc');
          }
        }}
      >
        {label} {sort === key ? (order === 'asc' ? '▲' : '▼') : ''}
      </button>
    </div>
  );

  return (
    <>
      <div className="toolbar">
        <input
          className="input"
          type="search"
          placeholder="Search topics"
          aria-label="Search topics"
          value={searchInput}
          onChange={(e) => setSearchInput(e.target.value)}
          data-testid="topic-search"
        />
        <span className="muted" aria-live="polite">
          {query.isFetching ? 'Loading…' : `${formatCount(items.length)}${hasNextPage ? '+' : ''} topics`}
        </span>
        <span className="spacer" />
        {canWrite && (
          <button type="button" className="btn primary" onClick={() => setCreating(true)} data-testid="create-topic">
            Create topic
          </button>
        )}
      </div>
      {query.error && <p className="bad">{(query.error as Error).message}</p>}
      <div className="vtable" role="table" aria-label="Topics" aria-rowcount={items.length + 1}>
        <div className="vrow head" role="row">
          {header('name', 'Name')}
          {header('partitions', 'Partitions', true)}
          {header('messages', 'Messages', true)}
          {header('size', 'Size', true)}
          <div role="columnheader" className="num">
            Replication
          </div>
          <div role="columnheader">{canWrite ? 'Actions' : ''}</div>
        </div>
        {items.length === 0 && !query.isFetching ? (
          <p className="muted" style={{ padding: '12px' }}>
            {search ? `No topic matches “${search}”.` : 'No topics yet.'}
          </p>
        ) : (
          <VirtualList
            label="Topic rows"
            items={items}
            rowHeight={ROW}
            height={600}
            onNearEnd={loadMore}
            render={(t) => (
              <div className="vrow" style={{ height: ROW }} data-testid="topic-row">
                <div role="cell" className="name">
                  <Link href={paths.topic(cluster, t.name)}>{t.name}</Link>
                  {t.internal && <span className="tag"> internal</span>}
                </div>
                <div role="cell" className="num">{formatCount(t.partitions)}</div>
                <div role="cell" className="num">{formatCount(t.messages)}</div>
                <div role="cell" className="num">{formatBytes(t.sizeBytes)}</div>
                <div role="cell" className="num">{t.replicationFactor}</div>
                <div role="cell" className="row-actions">
                  {canWrite && !t.internal && <TopicActions cluster={cluster} topic={t} compact />}
                </div>
              </div>
            )}
          />
        )}
      </div>
      {canWrite && <CreateTopicDialog cluster={cluster} open={creating} onClose={() => setCreating(false)} />}
    </>
  );
}
