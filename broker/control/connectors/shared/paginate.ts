/** In-memory search, sort and paging for backends that hand back whole lists (Kafka's Metadata
 * and ListGroups, the built-in store). RabbitMQ's management API pages queues server-side
 * (`page`, `page_size`, `name`, `sort`) and should pass those through instead. */
import type { Page } from '../types/common.js';

export interface PageRequest<S extends string> {
  offset: number;
  limit: number;
  search?: string | undefined;
  order: 'asc' | 'desc';
  sort: S;
}

export function paginate<T, S extends string>(
  all: readonly T[],
  request: PageRequest<S>,
  nameOf: (item: T) => string,
  sortKeys: Record<S, (item: T) => number | string>,
): Page<T> {
  const needle = request.search?.trim().toLowerCase();
  const matched = needle ? all.filter((item) => nameOf(item).toLowerCase().includes(needle)) : [...all];
  const key = sortKeys[request.sort];
  const sign = request.order === 'desc' ? -1 : 1;
  matched.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const byKey = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    // Ties are broken by name so pages never overlap or skip items between requests.
    return byKey !== 0 ? sign * byKey : nameOf(a).localeCompare(nameOf(b));
  });
  const items = matched.slice(request.offset, request.offset + request.limit);
  const next = request.offset + items.length;
  return { items, total: matched.length, offset: request.offset, limit: request.limit, nextOffset: next < matched.length ? next : null };
}
