/**
 * The connector for the broker running in this process: reads and changes the LogStore and the
 * group coordinator directly (no network hop), with the semantics a Kafka client would see.
 *
 *     const connector = new BuiltinConnector({ name: 'local', source: sourceFromBroker(getBroker()!) });
 */
import type { ClusterConnector, ConnectorCapabilities } from '../connector.js';
import { SUPPORTED } from '../types/common.js';
import * as cluster from './cluster.js';
import type { BuiltinContext } from './context.js';
import * as groups from './groups.js';
import { browseMessages } from './browse.js';
import { produceMessage } from './produce.js';
import { listQueueSubscriptions } from './queues.js';
import { resetOffsets } from './reset-offsets.js';
import { searchMessages } from './search.js';
import { trafficTotals } from './traffic.js';
import type { BuiltinSource } from './source.js';
import * as topics from './topics.js';
import { translateError, unavailable } from './translate.js';

export type { BuiltinSource } from './source.js';
export { sourceFromBroker, sourceFromServer } from './source.js';

export interface BuiltinConnectorOptions {
  /** The cluster's name in the console (errors name it). Default "built-in". */
  name?: string;
  source: BuiltinSource;
}

export class BuiltinConnector implements ClusterConnector {
  readonly kind = 'builtin' as const;
  readonly name: string;
  readonly capabilities: ConnectorCapabilities = {
    nodes: SUPPORTED,
    createTopic: SUPPORTED,
    deleteTopic: SUPPORTED,
    addPartitions: SUPPORTED,
    alterConfigs: SUPPORTED,
    browse: SUPPORTED,
    seekByTimestamp: SUPPORTED,
    search: SUPPORTED,
    produce: SUPPORTED,
    compression: SUPPORTED,
    groups: SUPPORTED,
    resetOffsets: SUPPORTED,
    deleteGroup: SUPPORTED,
    queues: SUPPORTED,
  };
  readonly #ctx: BuiltinContext;

  constructor(options: BuiltinConnectorOptions) {
    this.name = options.name ?? 'built-in';
    this.#ctx = { source: options.source, cluster: this.name };
  }

  /** Every operation: refuse while the broker is not running, and translate store/coordinator
   * failures into ConnectorErrors naming this cluster. */
  async #run<T>(op: (ctx: BuiltinContext) => T | Promise<T>): Promise<T> {
    if (!this.#ctx.source.running()) throw unavailable(this.name, 'the built-in broker is not running');
    try {
      return await op(this.#ctx);
    } catch (err) {
      throw translateError(err, this.name);
    }
  }

  clusterInfo = () => this.#run(cluster.clusterInfo);
  trafficTotals = (topic?: string) => this.#run((c) => trafficTotals(c, topic));
  health = async () => cluster.health(this.#ctx);
  listNodes = () => this.#run(cluster.listNodes);

  listTopics = (query?: Parameters<ClusterConnector['listTopics']>[0]) => this.#run((c) => topics.listTopics(c, query));
  getTopic = (name: string) => this.#run((c) => topics.getTopic(c, name));
  getTopicConfigs = (name: string) => this.#run((c) => topics.getTopicConfigs(c, name));
  createTopic = (request: Parameters<ClusterConnector['createTopic']>[0]) => this.#run((c) => topics.createTopic(c, request));
  deleteTopic = (name: string) => this.#run((c) => topics.deleteTopic(c, name));
  addPartitions = (name: string, total: number) => this.#run((c) => topics.addPartitions(c, name, total));
  alterTopicConfigs = (name: string, request: Parameters<ClusterConnector['alterTopicConfigs']>[1]) => this.#run((c) => topics.alterTopicConfigs(c, name, request));

  browseMessages = (query: Parameters<ClusterConnector['browseMessages']>[0]) => this.#run((c) => browseMessages(c, query));
  searchMessages = (query: Parameters<ClusterConnector['searchMessages']>[0]) => this.#run((c) => searchMessages(c, query));
  produceMessage = (request: Parameters<ClusterConnector['produceMessage']>[0]) => this.#run((c) => produceMessage(c, request));

  listGroups = (query?: Parameters<ClusterConnector['listGroups']>[0]) => this.#run((c) => groups.listGroups(c, query));
  getGroup = (groupId: string) => this.#run((c) => groups.getGroup(c, groupId));
  resetOffsets = (request: Parameters<ClusterConnector['resetOffsets']>[0]) => this.#run((c) => resetOffsets(c, request));
  deleteGroup = (groupId: string) => this.#run((c) => groups.deleteGroup(c, groupId));

  listQueueSubscriptions = () => this.#run(listQueueSubscriptions);

  /** The broker belongs to the process, not to the connector: nothing to release. */
  async close(): Promise<void> {}
}
