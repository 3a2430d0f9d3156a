/**
 * Produce from the console: one record encoded as a batch v2 (encodeBatch) and appended with
 * the same store append the Kafka Produce handler uses, so it is validated, offset-assigned,
 * made durable per the flush policy and wakes waiting consumers exactly like a client's batch.
 */
import { countProduced } from '../../../metrics/traffic.js';
import { encodeBatch } from '../../../records/encoder.js';
import { ConnectorError } from '../errors.js';
import { partitionForKey } from '../shared/partitioner.js';
import { payloadBytes } from '../shared/payload.js';
import { parseRequest } from '../shared/validate.js';
import { produceRequestSchema, type ProduceRequest, type ProduceResult } from '../types/messages.js';
import { requirePartitions, requireTopic, type BuiltinContext } from './context.js';
import { isInternalTopic } from './topics.js';

/** Round-robin cursor for keyless messages, per topic (Kafka's sticky partitioner spreads the
 * same way over time; one message at a time has no batch to stick to). */
const nextKeyless = new Map<string, number>();

export async function produceMessage(ctx: BuiltinContext, request: ProduceRequest): Promise<ProduceResult> {
  const r = parseRequest(produceRequestSchema, request, ctx.cluster, 'message');
  const topic = requireTopic(ctx, r.topic);
  if (isInternalTopic(topic.name)) {
    throw new ConnectorError('INVALID', `"${topic.name}" is an internal topic: only the broker writes it`, ctx.cluster);
  }
  const key = payloadBytes(r.key, r.keyEncoding, 'key', ctx.cluster);
  const value = payloadBytes(r.value, r.valueEncoding, 'value', ctx.cluster);
  let partition: number;
  if (r.partition !== undefined) partition = requirePartitions(ctx, topic, [r.partition])[0]!;
  else if (key !== null) partition = partitionForKey(key, topic.partitions);
  else {
    const n = nextKeyless.get(topic.name) ?? 0;
    nextKeyless.set(topic.name, n + 1);
    partition = n % topic.partitions;
  }
  const timestamp = r.timestamp ?? Date.now();
  const batch = await encodeBatch([{ key, value, headers: r.headers.map((h) => ({ key: h.key, value: h.value })), timestamp }], {
    compression: r.compression,
  });
  const appended = await ctx.source.store.append(topic.name, partition, batch);
  countProduced(topic.name, batch);
  return { topic: topic.name, partition, offset: appended.baseOffset, timestamp: appended.logAppendTime >= 0 ? appended.logAppendTime : timestamp };
}
