'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  render: (item: T, index: number) => ReactNode;
  /** Called when the user scrolls within a few rows of the end, to load the next page. */
  onNearEnd?: () => void;
  label: string;
}

const OVERSCAN = 8;

/**
 * Fixed-height windowing: only the rows in view (plus a few) are in the DOM, so 10,000 topics
 * cost the same to render as 30. Rows are absolutely positioned inside a spacer as tall as the
 * whole list, which keeps the scrollbar honest.
 */
export function VirtualList<T>({ items, rowHeight, height, render, onNearEnd, label }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  useEffect(() => {
    if (onNearEnd && last >= items.length - OVERSCAN) onNearEnd();
  }, [last, items.length, onNearEnd]);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} role="row" aria-rowindex={i + 2} style={{ position: 'absolute', top: i * rowHeight, left: 0, right: 0, height: rowHeight }}>
        {render(items[i]!, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="vscroll"
      style={{ height: Math.min(height, Math.max(rowHeight, items.length * rowHeight)) }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      role="rowgroup"
      aria-label={label}
      tabIndex={0}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
