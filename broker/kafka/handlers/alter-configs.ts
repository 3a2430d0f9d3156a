/**
 * AlterConfigs (key 33), v0-1. Non-incremental: the listed configs replace the topic's whole
 * config, every config not listed reverts to its default. All configs are checked before
 * anything changes (INVALID_CONFIG with a message naming the problem); validateOnly checks only.
 * Broker configs are static (environment variables): INVALID_REQUEST.
 */
import { alterConfigs } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import type { TopicConfig } from '../../storage/types.js';
import { AdminErrorCode, adminFailure, parseConfigs, replaceAll, ResourceType, storeDefaults } from './topic-configs.js';
import { defineHandler, type KafkaBrokerContext } from './types.js';

type AlterConfigsResponse = ResponseOf<typeof alterConfigs>;
type Result = AlterConfigsResponse['responses'][number];

export const alterConfigsHandler = defineHandler(alterConfigs, async (request, ctx) => {
  const responses: Result[] = [];
  for (const r of request.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const outcome = await alterResource(ctx.broker, r.resourceType, r.resourceName, () => parseConfigs(r.configs), true, request.validateOnly);
    responses.push({ ...base, ...outcome });
  }
  return { throttleTimeMs: 0, responses };
});

export type Outcome = { errorCode: number; errorMessage: string | null };

/**
 * Shared by AlterConfigs and IncrementalAlterConfigs: `changes` computes the store change set
 * (throwing ConfigError for bad input); `replace` makes unlisted configs revert to defaults.
 */
export async function alterResource(
  broker: KafkaBrokerContext,
  resourceType: number,
  resourceName: string,
  changes: (current: TopicConfig) => Partial<TopicConfig>,
  replace: boolean,
  validateOnly: boolean,
): Promise<Outcome> {
  if (resourceType === ResourceType.BROKER) {
    return {
      errorCode: AdminErrorCode.INVALID_REQUEST,
      errorMessage: 'Broker configs are static in Sluice (set by SLUICE_* environment variables); alter topic configs instead',
    };
  }
  if (resourceType !== ResourceType.TOPIC) {
    return { errorCode: AdminErrorCode.INVALID_REQUEST, errorMessage: `Resource type ${resourceType} is not supported (topics: 2)` };
  }
  const topic = broker.store.getTopic(resourceName);
  if (!topic) return { errorCode: AdminErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resourceName} does not exist` };
  try {
    const defaults = storeDefaults(broker.store);
    let set = changes(topic.config);
    if (replace) set = replaceAll(set, defaults);
    if (validateOnly) return { errorCode: AdminErrorCode.NONE, errorMessage: null };
    await broker.store.alterTopicConfig(resourceName, set);
    broker.logger.info('altered topic config', { topic: resourceName, changes: set });
    return { errorCode: AdminErrorCode.NONE, errorMessage: null };
  } catch (err) {
    return adminFailure(err);
  }
}
