export { GroupCoordinator, DEFAULT_GROUP_CONFIG, type GroupCoordinatorConfig, type GroupCoordinatorOptions } from './coordinator.js';
export { ErrorCode } from './errors.js';
export { MemoryOffsetLog, LogStoreOffsetLog, type OffsetLog, type OffsetLogRecord, type LogStoreOffsetLogOptions } from './offset-log.js';
export * from './offsets-format.js';
export { ManualTimers, systemTimers, type Timers, type TimerHandle } from './timers.js';
export type * from './types.js';
