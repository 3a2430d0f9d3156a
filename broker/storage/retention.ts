import type { TopicConfig } from './types.js';

/** What retention needs to know about a segment. */
export interface SegmentSummary {
  sizeBytes: number;
  /** Largest batch maxTimestamp, or -1 when no batch carried one. */
  largestTimestamp: number;
  /** Broker time of the last append (file mtime after a reopen); stands in for missing timestamps. */
  lastAppendAt: number;
  /** Offset after the segment's last batch. */
  nextOffset: number;
}

export interface RetentionPlan {
  /** How many of the oldest segments to delete. */
  deleteCount: number;
  reason: 'none' | 'retention.ms' | 'retention.bytes' | 'log start offset';
}

/**
 * Decides which leading segments go, Kafka style: only a prefix of the log is ever deleted, and
 * never the active (last) segment — the caller rolls an expired active segment first if it wants
 * it gone (see PartitionLog.applyRetention). Age is judged by the newest batch in the segment,
 * so a segment is kept while any of its data is younger than retentionMs.
 */
export function planRetention(segments: readonly SegmentSummary[], config: Pick<TopicConfig, 'retentionMs' | 'retentionBytes'>, logStartOffset: number, now: number): RetentionPlan {
  const closed = segments.length - 1;
  let count = 0;
  let reason: RetentionPlan['reason'] = 'none';
  while (count < closed && segments[count]!.nextOffset <= logStartOffset) {
    count++;
    reason = 'log start offset';
  }
  if (config.retentionMs >= 0) {
    while (count < closed && isExpired(segments[count]!, config.retentionMs, now)) {
      count++;
      reason = 'retention.ms';
    }
  }
  if (config.retentionBytes >= 0) {
    let total = 0;
    for (let i = count; i < segments.length; i++) total += segments[i]!.sizeBytes;
    while (count < closed && total - segments[count]!.sizeBytes >= config.retentionBytes) {
      total -= segments[count]!.sizeBytes;
      count++;
      reason = 'retention.bytes';
    }
  }
  return { deleteCount: count, reason };
}

export function isExpired(segment: SegmentSummary, retentionMs: number, now: number): boolean {
  if (segment.sizeBytes === 0) return false;
  const newest = segment.largestTimestamp >= 0 ? segment.largestTimestamp : segment.lastAppendAt;
  return newest < now - retentionMs;
}
