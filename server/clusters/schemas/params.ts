/** Path parameters and list queries shared by the cluster routes. */
import { z } from 'zod';
import { paginationQuery } from '../../api/pagination.js';

const clusterName = z.string().min(1).max(200);
const topicName = z.string().min(1).max(249);
const groupId = z.string().min(1).max(1000);

export const clusterParams = z.object({ cluster: clusterName });
export const topicParams = z.object({ cluster: clusterName, topic: topicName });
export const groupParams = z.object({ cluster: clusterName, group: groupId });

const listQuery = paginationQuery.extend({
  /** Case-insensitive substring of the name. */
  search: z.string().max(249).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const topicListQuery = listQuery.extend({
  sort: z.enum(['name', 'partitions', 'messages', 'size']).default('name'),
  /** `true` also lists internal topics such as __consumer_offsets. */
  includeInternal: z.stringbool().default(false),
});

export const groupListQuery = listQuery.extend({
  sort: z.enum(['name', 'state', 'members', 'lag']).default('name'),
});

/** DELETE of a topic: the topic's name typed again, so a slip of the URL cannot delete another. */
export const deleteTopicQuery = z.object({ confirm: z.string().min(1, 'type the topic name in ?confirm= to delete it') });
