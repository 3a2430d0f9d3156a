/**
 * IncrementalAlterConfigs (key 44), v0-1. Operations: SET (0) and DELETE (1, back to the
 * default). APPEND (2) / SUBTRACT (3) apply only to list configs (cleanup.policy, whose only
 * possible value is "delete"); on any other config they are INVALID_CONFIG. All operations of a
 * resource are checked before anything changes; validateOnly checks only.
 */
import { incrementalAlterConfigs } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import type { TopicConfig } from '../../storage/types.js';
import { alterResource } from './alter-configs.js';
import { AdminErrorCode, ConfigError, defaultValue, parseConfig, storeDefaults, topicConfigDef } from './topic-configs.js';
import { defineHandler } from './types.js';

type Response = ResponseOf<typeof incrementalAlterConfigs>;
type Result = Response['responses'][number];

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

export const incrementalAlterConfigsHandler = defineHandler(incrementalAlterConfigs, async (request, ctx) => {
  const { broker } = ctx;
  const responses: Result[] = [];
  for (const r of request.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const names = r.configs.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      responses.push({ ...base, errorCode: AdminErrorCode.INVALID_REQUEST, errorMessage: `Error due to duplicate config keys: ${dup}` });
      continue;
    }
    const bad = r.configs.find((c) => c.configOperation < SET || c.configOperation > SUBTRACT);
    if (bad) {
      responses.push({ ...base, errorCode: AdminErrorCode.INVALID_REQUEST, errorMessage: `Unknown config operation ${bad.configOperation} for ${bad.name}` });
      continue;
    }
    const changes = (): Partial<TopicConfig> => {
      const defaults = storeDefaults(broker.store);
      const set: Partial<TopicConfig> = {};
      for (const c of r.configs) {
        const def = topicConfigDef(c.name);
        if (!def) throw new ConfigError(`Unknown topic config name: ${c.name}`);
        if (c.configOperation === SET) Object.assign(set, parseConfig(c.name, c.value));
        else if (c.configOperation === DELETE) {
          if (def.kind === 'mapped') (set as Record<string, unknown>)[def.key] = defaultValue(def.key, defaults);
        } else {
          if (def.kind !== 'fixed' || !def.list) {
            throw new ConfigError(`Config value append/subtract is not allowed for config ${c.name}: it is not a list config`);
          }
          const items = (c.value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
          const result = new Set([def.value]);
          for (const item of items) {
            if (c.configOperation === APPEND) result.add(item);
            else result.delete(item);
          }
          if (result.size !== 1 || !result.has(def.value)) {
            throw new ConfigError(`Invalid value ${JSON.stringify([...result].join(','))} for configuration ${c.name}: ${def.refusal}`);
          }
        }
      }
      return set;
    };
    const outcome = await alterResource(broker, r.resourceType, r.resourceName, changes, false, request.validateOnly);
    responses.push({ ...base, ...outcome });
  }
  return { throttleTimeMs: 0, responses };
});
