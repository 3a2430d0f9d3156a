/** kafkajs group members (kafkajs-member.ts) SIGKILLed: the shared suite in group-crash-suite.ts. */
import { join } from 'node:path';
import { ROOT, TSX } from '../../broker-process.js';
import { groupCrashSuite } from './group-crash-suite.js';
import { spawnLines } from './line-process.js';

groupCrashSuite('kafkajs', 'kjs', (port, group, topic) =>
  spawnLines(TSX, [join(ROOT, 'test', 'broker', 'kafka', 'clients', 'kafkajs-member.ts')], { PORT: String(port), GROUP: group, TOPIC: topic }),
);
