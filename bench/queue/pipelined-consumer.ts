/**
 * The consumer pattern of the in-process Sluice target in `bench:queue` (the HTTP targets use
 * the client's `consume()`, broker/client/consumer.ts, which follows the same pattern), chosen
 * to match what the RabbitMQ peer does with `prefetch(batch)`: at most `batch` messages are held by the consumer
 * and not yet acknowledged, and acknowledgements are sent without waiting for them before the
 * next messages are taken (RabbitMQ acks are never confirmed at all). Two receive loops of
 * batch/2 each keep the broker busy while the other loop's ack is being made durable; each loop
 * awaits its previous ack before sending the next, so acks in flight stay bounded. The phase ends
 * only when every ack has resolved, so the figure counts durable acknowledgements.
 * SLUICE_BENCH_LOOPS changes the number of loops here (4 and 8 were slower on 2 cores, 1 similar).
 */
export async function consumePipelined(
  count: number,
  batch: number,
  receive: (max: number) => Promise<string[]>,
  ack: (receipts: string[]) => Promise<unknown>,
  loops = Number(process.env.SLUICE_BENCH_LOOPS ?? 2),
): Promise<void> {
  const half = Math.max(1, Math.floor(batch / loops));
  // Messages requested but not yet received are claimed up front, so near the end one loop does
  // not sit in a long poll for messages the other loop already has.
  let claimed = 0;
  const loop = async () => {
    let pendingAck: Promise<unknown> = Promise.resolve();
    for (;;) {
      const want = Math.min(half, count - claimed);
      if (want <= 0) break;
      claimed += want;
      const receipts = await receive(want);
      claimed -= want - receipts.length;
      await pendingAck;
      if (receipts.length > 0) pendingAck = ack(receipts);
    }
    await pendingAck;
  };
  await Promise.all(Array.from({ length: loops }, loop));
}
