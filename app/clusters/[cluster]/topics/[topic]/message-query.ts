/** The message browser's form state as the browse GET's query and the search POST's body. */

export interface BrowseForm {
  partitions: number[];
  from: 'newest' | 'oldest' | 'offset' | 'timestamp';
  offset: string;
  /** A `datetime-local` value, read as the browser's local time. */
  timestamp: string;
  limit: string;
}

export interface Filter {
  field: 'none' | 'key' | 'value' | 'header';
  header: string;
  kind: 'contains' | 'regex' | 'jsonPath';
  text: string;
  equals: string;
  /** The most messages one search request reads before it stops and reports how far it got. */
  budget: string;
}

export function browseParams(f: BrowseForm): URLSearchParams {
  const qs = new URLSearchParams({ from: f.from, limit: f.limit || '50' });
  if (f.partitions.length) qs.set('partitions', f.partitions.join(','));
  if (f.from === 'offset') qs.set('offset', f.offset);
  if (f.from === 'timestamp') qs.set('timestamp', String(new Date(f.timestamp).getTime()));
  return qs;
}

function start(f: BrowseForm): Record<string, unknown> {
  if (f.from === 'offset') return { kind: 'offset', offset: Number(f.offset) };
  if (f.from === 'timestamp') return { kind: 'timestamp', timestamp: new Date(f.timestamp).getTime() };
  return { kind: f.from };
}

function matcher(flt: Filter): Record<string, unknown> {
  if (flt.kind === 'regex') return { kind: 'regex', pattern: flt.text };
  if (flt.kind === 'jsonPath') {
    if (flt.equals.trim() === '') return { kind: 'jsonPath', path: flt.text };
    let equals: unknown = flt.equals;
    try {
      equals = JSON.parse(flt.equals);
    } catch {
      // a bare word is meant as a string
    }
    return { kind: 'jsonPath', path: flt.text, equals };
  }
  return { kind: 'contains', text: flt.text };
}

/** A search scans forward; "newest" means from the oldest here, since a scan has to start somewhere. */
export function searchBody(f: BrowseForm, flt: Filter): Record<string, unknown> {
  const from = f.from === 'newest' ? { kind: 'oldest' } : start(f);
  const filter = flt.field === 'header' ? { field: 'header', ...(flt.header ? { header: flt.header } : {}), match: matcher(flt) } : { field: flt.field, match: matcher(flt) };
  return {
    from,
    filters: [filter],
    limit: Number(f.limit) || 50,
    budget: { maxMessages: Number(flt.budget) || 10_000 },
    ...(f.partitions.length ? { partitions: f.partitions } : {}),
  };
}
