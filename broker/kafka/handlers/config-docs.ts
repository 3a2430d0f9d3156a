/**
 * DescribeConfigs v3+ extras (KIP-569): each config's type and, when asked for, its documentation.
 * Types are Kafka's DescribeConfigsResponse ConfigType codes.
 */

export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;

const DOCS: Record<string, [number, string]> = {
  'cleanup.policy': [ConfigType.LIST, 'How old segments are discarded; Sluice supports only "delete" (no compaction).'],
  'compression.type': [ConfigType.STRING, 'Sluice stores batches as producers compressed them ("producer").'],
  'index.interval.bytes': [ConfigType.INT, 'Bytes of log between two entries of the sparse offset index.'],
  'max.message.bytes': [ConfigType.INT, 'Largest record batch size the topic accepts.'],
  'message.timestamp.type': [ConfigType.STRING, 'CreateTime keeps producer timestamps; LogAppendTime stamps batches at append.'],
  'min.insync.replicas': [ConfigType.INT, 'Always 1: Sluice is a single-node broker.'],
  'retention.bytes': [ConfigType.LONG, 'Per-partition size above which old segments are deleted (-1: no limit).'],
  'retention.ms': [ConfigType.LONG, 'Age after which old segments are deleted (-1: no limit).'],
  'segment.bytes': [ConfigType.INT, 'Segment file size at which the log rolls a new segment.'],
  'segment.ms': [ConfigType.LONG, 'Age at which the log rolls a new segment even if it is not full.'],
  'sluice.flush.interval.ms': [ConfigType.LONG, 'fdatasync period when sluice.flush.policy is interval.'],
  'sluice.flush.policy': [ConfigType.STRING, 'sync: acknowledge appends after fdatasync; interval: fdatasync periodically.'],
  'unclean.leader.election.enable': [ConfigType.BOOLEAN, 'Always false: there is no leader election on a single node.'],
  'auto.create.topics.enable': [ConfigType.BOOLEAN, 'Metadata and Produce for an unknown topic create it.'],
  'broker.id': [ConfigType.INT, 'This broker\'s node id.'],
  'default.replication.factor': [ConfigType.INT, 'Always 1: Sluice is a single-node broker.'],
  'delete.topic.enable': [ConfigType.BOOLEAN, 'DeleteTopics is allowed.'],
  'num.partitions': [ConfigType.INT, 'Partitions of auto-created topics.'],
  'offsets.topic.replication.factor': [ConfigType.SHORT, 'Always 1: Sluice is a single-node broker.'],
};

/** Type code and documentation of a topic or broker config (UNKNOWN / null when not listed). */
export function configDoc(name: string): { configType: number; documentation: string | null } {
  const entry = DOCS[name];
  return entry ? { configType: entry[0], documentation: entry[1] } : { configType: ConfigType.UNKNOWN, documentation: null };
}
