/**
 * Next.js calls `register()` once per server process, before the first request is handled.
 * This is where the web console's process brings up what it serves: the metadata DB (migrated,
 * with the built-in cluster row present) and the in-process broker. Both run under `next start`
 * and `next dev` alike.
 *
 * A configuration error or a broker that cannot open its data stops the process with exit code
 * 1 and a message naming the cause, rather than serving a console for a broker that is not there.
 */
export async function register(): Promise<void> {
  // Everything lives inside this `if`: Next.js also compiles this file for the Edge runtime, with
  // NEXT_RUNTIME replaced by 'edge', and the bundler drops the block (and the Node-only modules it
  // imports) only when the condition itself is the constant. An early `return` would not do that.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // The build's prerender workers load this too; they must not touch the data dir.
    if (process.env.NEXT_PHASE === 'phase-production-build') return;

    const { BrokerConfigError, loadBrokerConfig } = await import('./broker/config.js');
    const { installShutdownHandlers, prepareDataDir, registerShutdownHook, startBroker } = await import('./broker/runtime.js');
    const { createLogger } = await import('./broker/logger.js');
    const { isSluiceError } = await import('./broker/errors.js');
    const { DataPlaneConfigError, dataPlanePort: readDataPlanePort, startQueueDataPlane } = await import('./server/data-plane/start.js');
    const log = createLogger('server');

    try {
      // Validate the environment before touching anything on disk.
      const config = loadBrokerConfig();
      const dataPlanePort = readDataPlanePort();

      const { migrateDatabase } = await import('./server/db/migrate.js');
      const { closeDb, getDb } = await import('./server/db/client.js');
      const { ensureBuiltinCluster } = await import('./server/db/clusters.js');

      // Installed first, so that a signal during migration or recovery still shuts down cleanly.
      registerShutdownHook('metadata-db', closeDb);
      installShutdownHandlers();

      await prepareDataDir(config.dataDir);
      const migrated = await migrateDatabase();
      if (migrated.applied.length > 0) {
        log.info('metadata database migrated', { database: migrated.database, applied: migrated.applied, durationMs: migrated.durationMs });
      }
      await ensureBuiltinCluster(getDb());
      const { ensureFirstAdmin } = await import('./server/auth/bootstrap.js');
      const { installClientAddressStamp } = await import('./server/auth/client-info.js');
      installClientAddressStamp(); // before the first request: sign-in rate limits need the real peer address
      await ensureFirstAdmin(getDb());
      const { startAuthHousekeeping } = await import('./server/auth/housekeeping.js');
      const { getAuthConfig } = await import('./server/auth/config.js');
      registerShutdownHook('auth-housekeeping', startAuthHousekeeping(getDb(), getAuthConfig()));
      await startBroker(config);
      const plane = await startQueueDataPlane(dataPlanePort);
      if (plane) registerShutdownHook('queue-data-plane', () => plane.close());
    } catch (err) {
      if (err instanceof BrokerConfigError || err instanceof DataPlaneConfigError || isSluiceError(err, 'INVALID_CONFIG')) {
        process.stderr.write(err.message + '\n');
      } else {
        log.error('startup failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
      process.exit(1);
    }
  }
}
