export type * from './connector.js';
export { ConnectorError, HTTP_STATUS, isConnectorError, type ConnectorErrorCode } from './errors.js';
export * from './types/common.js';
export type * from './types/cluster.js';
export * from './types/topics.js';
export * from './types/messages.js';
export * from './types/groups.js';
export type * from './types/queues.js';
export { BuiltinConnector, sourceFromBroker, sourceFromServer, type BuiltinConnectorOptions, type BuiltinSource } from './builtin/builtin-connector.js';
