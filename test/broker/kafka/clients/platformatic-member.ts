/**
 * A @platformatic/kafka group member as its own process (run with tsx), for tests that SIGKILL it.
 * Env: PORT, GROUP, TOPIC. Prints one JSON line per assignment change and, per message, a
 * 'fetched' line, then commits it and prints a 'message' line: a printed message is a committed one.
 */
import { closeConsumer, pltConsumer, type StringMessage } from './platformatic.js';

const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const topic = process.env.TOPIC!;
const consumer = pltConsumer(Number(process.env.PORT), process.env.GROUP!, `plt-member-${process.pid}`);

const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
let last = '';
setInterval(() => {
  const owned = (consumer.assignments ?? []).filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort();
  if (owned.join() !== last) {
    last = owned.join();
    emit({ event: 'assigned', partitions: owned });
  }
}, 100);

// One message at a time, so the commit of each precedes its line and the next fetch.
for await (const m of stream as AsyncIterable<StringMessage>) {
  const line = { partition: m.partition, offset: Number(m.offset), value: m.value };
  emit({ event: 'fetched', ...line });
  try {
    await m.commit();
  } catch (e) {
    // Refused mid-rebalance: the message goes again to its next owner.
    emit({ event: 'commit-failed', error: String(e) });
    continue;
  }
  emit({ event: 'message', ...line });
}
await closeConsumer(consumer);
