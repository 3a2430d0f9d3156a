/**
 * `npm run broker`: the broker on its own, without the web console (no Next.js, no React, no
 * metadata DB). Configuration comes from the environment (see config.ts). Runs until SIGINT or
 * SIGTERM, then closes the store cleanly and exits 0; a second signal exits 1 at once.
 */
import { BrokerConfigError, loadBrokerConfig } from './config.js';
import { createLogger } from './logger.js';
import { installShutdownHandlers, startBroker } from './runtime.js';

const log = createLogger('main');

async function main(): Promise<void> {
  let config;
  try {
    config = loadBrokerConfig();
  } catch (err) {
    if (err instanceof BrokerConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
  // Handlers first: a signal that arrives while the store is still recovering waits for the
  // start to finish and then stops cleanly.
  installShutdownHandlers();
  const broker = await startBroker(config);
  const { kafkaListener } = broker.status();
  log.info('standalone broker ready; stop with SIGINT or SIGTERM', {
    dataDir: config.dataDir,
    flushPolicy: config.flushPolicy,
    ...(config.flushPolicy === 'interval' ? { flushIntervalMs: config.flushIntervalMs } : {}),
    kafkaListener: kafkaListener.enabled ? `${kafkaListener.host}:${kafkaListener.port}` : 'disabled (SLUICE_KAFKA_ENABLED=false)',
    pid: process.pid,
  });
  // With SLUICE_KAFKA_ENABLED=false no socket holds the event loop open; the broker still runs.
  setInterval(() => {}, 1 << 30);
}

main().catch((err: unknown) => {
  log.error('broker failed to start', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
