/**
 * A kafkajs group member as its own process (run with tsx), for tests that SIGKILL it.
 * Env: PORT, GROUP, TOPIC. Prints one JSON line per rebalance and, per message, a 'fetched'
 * line, then commits it and prints a 'message' line: a printed message is a committed one (the
 * protocol of group-crash-suite.ts, shared with the other clients' members).
 */
import { Kafka, logLevel } from 'kafkajs';

const { PORT, GROUP, TOPIC } = process.env;
if (!PORT || !GROUP || !TOPIC) throw new Error('PORT, GROUP and TOPIC are required');

const emit = (line: object) => process.stdout.write(JSON.stringify(line) + '\n');
const kafka = new Kafka({ clientId: `kafkajs-member-${process.pid}`, brokers: [`127.0.0.1:${PORT}`], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  emit({ event: 'assigned', partitions: (payload.memberAssignment[TOPIC] ?? []).sort((a, b) => a - b) });
});
await consumer.connect();
await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ partition, message }) => {
    const line = { partition, offset: Number(message.offset), value: message.value?.toString() ?? '' };
    emit({ event: 'fetched', ...line });
    try {
      await consumer.commitOffsets([{ topic: TOPIC, partition, offset: String(line.offset + 1) }]);
    } catch (e) {
      // Refused mid-rebalance: the message goes again to its next owner.
      emit({ event: 'commit-failed', error: String(e) });
      return;
    }
    emit({ event: 'message', ...line });
  },
});
