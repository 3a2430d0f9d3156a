/**
 * DescribeConfigs (key 32), v0-4. Topic resources (type 2) list every topic config with its
 * value and source (overridden = DYNAMIC_TOPIC_CONFIG, else DEFAULT_CONFIG; v0 isDefault);
 * synonyms (v1+, when asked) name the broker-level default. The broker resource (type 4, name
 * "0" or "") lists the static, read-only broker settings. `configurationKeys` filters by name.
 * v3+ answer each config's type, and its documentation when includeDocumentation is set.
 */
import { describeConfigs } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import {
  AdminErrorCode,
  ConfigSource,
  describeBrokerConfig,
  describeTopicConfig,
  ResourceType,
  storeDefaults,
  type DescribedConfig,
} from './topic-configs.js';
import { configDoc } from './config-docs.js';
import { defineHandler } from './types.js';

type DescribeConfigsResponse = ResponseOf<typeof describeConfigs>;
type Result = DescribeConfigsResponse['results'][number];

export const describeConfigsHandler = defineHandler(describeConfigs, (request, ctx) => {
  const { broker } = ctx;
  const includeSynonyms = ctx.apiVersion >= 1 && request.includeSynonyms;
  const includeDocumentation = ctx.apiVersion >= 3 && request.includeDocumentation;
  const results = request.resources.map((r): Result => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const fail = (errorCode: number, errorMessage: string): Result => ({ ...base, errorCode, errorMessage, configs: [] });
    let described: DescribedConfig[];
    if (r.resourceType === ResourceType.TOPIC) {
      const topic = broker.store.getTopic(r.resourceName);
      if (!topic) return fail(AdminErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${r.resourceName} does not exist`);
      described = describeTopicConfig(topic.config, storeDefaults(broker.store));
    } else if (r.resourceType === ResourceType.BROKER) {
      if (r.resourceName !== '' && r.resourceName !== String(broker.nodeId)) {
        return fail(AdminErrorCode.INVALID_REQUEST, `Unexpected broker id ${r.resourceName}: this is broker ${broker.nodeId}, the only one`);
      }
      described = describeBrokerConfig(broker, storeDefaults(broker.store));
    } else {
      return fail(AdminErrorCode.INVALID_REQUEST, `Resource type ${r.resourceType} is not supported (topics: 2, broker: 4)`);
    }
    const keys = r.configurationKeys === null ? null : new Set(r.configurationKeys);
    return {
      ...base,
      errorCode: AdminErrorCode.NONE,
      errorMessage: null,
      configs: described
        .filter((c) => keys === null || keys.has(c.name))
        .map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
          configSource: c.source,
          isSensitive: false,
          synonyms: includeSynonyms ? c.synonyms : [],
          configType: configDoc(c.name).configType,
          documentation: includeDocumentation ? configDoc(c.name).documentation : null,
        })),
    };
  });
  return { throttleTimeMs: 0, results };
});
