/**
 * Queue benchmark: `npm run bench:queue [-- --json] [-- --only <regexp over target names>]`.
 *
 * The same three phases (bench/queue/run-target.ts) against Sluice's queue layer and its peers,
 * in one run on one machine: publish with confirms, receive + acknowledge, and end-to-end latency
 * at a fixed rate. Peers: RabbitMQ with persistent messages, publisher confirms and manual acks
 * (classic v2 and quorum queues), and NATS JetStream (file storage; tier A, see the notes).
 * The issue's target is the ratio of acknowledged-consume throughput: Sluice ≥ 3× RabbitMQ.
 *
 * Env: SLUICE_BENCH_COUNT (20000 messages per size), SLUICE_BENCH_WARMUP (as many again, published
 *      and consumed untimed first; 0 for none), SLUICE_BENCH_REPEAT (3: publish and consume
 *      run that many times, figures are medians), SLUICE_BENCH_SIZES (100,1024),
 *      SLUICE_BENCH_WINDOW (1000 unconfirmed publishes), SLUICE_BENCH_BATCH (500 per receive /
 *      prefetch), SLUICE_BENCH_LATENCY_RATE (2000 msg/s), SLUICE_BENCH_LATENCY_SECONDS (5),
 *      SLUICE_BENCH_LOOPS (2: receive loops sharing the batch in the in-process Sluice consumer),
 *      SLUICE_BENCH_AMQP_URL, SLUICE_BENCH_NATS_URL, SLUICE_BENCH_DIR (os.tmpdir()).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, machineInfo } from './lib/report.js';
import { natsTarget } from './queue/nats.js';
import { rabbitTarget } from './queue/rabbitmq.js';
import { runTarget, type PhaseOptions, type TargetResult } from './queue/run-target.js';
import { sluiceTargets } from './queue/sluice.js';
import type { QueueBenchTarget } from './queue/types.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const COUNT = env('SLUICE_BENCH_COUNT', 20_000);
const WARMUP = env('SLUICE_BENCH_WARMUP', COUNT);
const REPEAT = env('SLUICE_BENCH_REPEAT', 3);
const SIZES = (process.env.SLUICE_BENCH_SIZES ?? '100,1024').split(',').map(Number);
const WINDOW = env('SLUICE_BENCH_WINDOW', 1000);
const BATCH = env('SLUICE_BENCH_BATCH', 500);
const LATENCY_RATE = env('SLUICE_BENCH_LATENCY_RATE', 2000);
const LATENCY_SECONDS = env('SLUICE_BENCH_LATENCY_SECONDS', 5);
const BASE_DIR = process.env.SLUICE_BENCH_DIR ?? os.tmpdir();

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const onlyIdx = args.indexOf('--only');
const ONLY = onlyIdx >= 0 ? new RegExp(args[onlyIdx + 1] ?? '', 'i') : undefined;

function targets(): (() => QueueBenchTarget)[] {
  const all: (() => QueueBenchTarget)[] = [
    ...sluiceTargets(BASE_DIR),
    () => rabbitTarget({ queueType: 'classic' }),
    () => rabbitTarget({ queueType: 'quorum' }),
    () => natsTarget(),
  ];
  return ONLY ? all.filter((make) => ONLY.test(make().name)) : all;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

async function main(): Promise<void> {
  const machine = machineInfo(BASE_DIR);
  console.log(`bench:queue — ${machine.cpus}× ${machine.cpuModel}, ${machine.memGiB} GiB, ${machine.fs}, Node ${machine.node}`);
  if (!Number.isSafeInteger(REPEAT) || REPEAT < 1) throw new Error(`SLUICE_BENCH_REPEAT must be a positive integer, not ${process.env.SLUICE_BENCH_REPEAT}`);
  console.log(`${fmt(COUNT)} messages per size after ${fmt(WARMUP)} untimed (warm-up), medians of ${REPEAT} repetitions, publish window ${WINDOW}, receive batch/prefetch ${BATCH}, latency at ${fmt(LATENCY_RATE)} msg/s for ${LATENCY_SECONDS} s\n`);
  const results: TargetResult[] = [];
  for (const size of SIZES) {
    for (const make of targets()) {
      const target = make();
      const options: PhaseOptions = { messageBytes: size, warmup: WARMUP, count: COUNT, repeat: REPEAT, window: WINDOW, batch: BATCH, latencyRate: LATENCY_RATE, latencySeconds: LATENCY_SECONDS };
      process.stdout.write(`  ${size} B  ${target.name} … `);
      try {
        const r = await runTarget(target, options);
        results.push(r);
        const range = r.consumeRuns.length > 1 ? ` (${r.consumeRuns.map(fmt).join(', ')})` : '';
        console.log(`${fmt(r.consumeAckPerSec)} acked/s${range}${r.problems.length ? `  INVALID: ${r.problems.join('; ')}` : ''}`);
      } catch (err) {
        console.log(`failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  const rabbit = (size: number) => results.find((r) => r.messageBytes === size && r.name.startsWith('RabbitMQ classic'));
  const rows = results.map((r) => {
    const base = rabbit(r.messageBytes);
    return [
      `${r.messageBytes}`,
      r.name,
      r.tier,
      fmt(r.publishPerSec),
      fmt(r.consumeAckPerSec),
      base ? `${(r.consumeAckPerSec / base.consumeAckPerSec).toFixed(2)}×` : '',
      ms(r.latency.p50),
      ms(r.latency.p99),
      ms(r.latency.max),
      r.problems.length ? 'INVALID' : 'ok',
    ];
  });
  console.log('\n' + formatTable(['bytes', 'system', 'tier', 'publish/s', 'acked consume/s', 'vs RabbitMQ classic', 'e2e p50 ms', 'e2e p99 ms', 'e2e max ms', 'check'], rows));
  console.log(`\nload average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  if (JSON_OUT) {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const dir = path.join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `queue-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), command: 'npm run bench:queue', machine, settings: { WARMUP, COUNT, REPEAT, SIZES, WINDOW, BATCH, LATENCY_RATE, LATENCY_SECONDS }, results }, null, 2) + '\n');
    console.log(`wrote ${path.relative(root, file)}`);
  }
}

await main();
