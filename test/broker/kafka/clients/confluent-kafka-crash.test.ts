/** python confluent-kafka group members SIGKILLed: the shared suite in group-crash-suite.ts. */
import { groupCrashSuite } from './group-crash-suite.js';
import { runOps } from './line-process.js';

groupCrashSuite('python confluent-kafka', 'ck', (port, group, topic) => runOps({ cmd: 'member', bootstrap: `127.0.0.1:${port}`, group, topic }));
