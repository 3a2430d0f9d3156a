/** A decoded log record as the console shows it. */
import { renderPayload } from '../shared/render.js';
import type { MessageView } from '../types/messages.js';
import type { LogRecord } from './partition-reader.js';

export function toView(topic: string, r: LogRecord, maxValueBytes: number): MessageView {
  return {
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
    key: renderPayload(r.key, maxValueBytes),
    value: renderPayload(r.value, maxValueBytes),
    headers: r.headers.map((h) => ({ key: h.key, value: renderPayload(h.value, maxValueBytes) })),
    compression: r.compression,
  };
}
