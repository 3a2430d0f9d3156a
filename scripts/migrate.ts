/**
 * `npm run db:migrate`: applies the committed migrations of the database DATABASE_URL selects
 * (SQLite `<SLUICE_DATA_DIR>/sluice.db` when unset). Idempotent; prints what it did.
 *
 *   --force   run `prisma migrate deploy` even if every migration is recorded as applied
 */
import { migrateDatabase, MigrationError } from '../server/db/migrate.js';
import { DatabaseConfigError } from '../server/db/target.js';

try {
  const result = await migrateDatabase({
    force: process.argv.includes('--force'),
    onOutput: (line) => process.stdout.write(`  ${line}\n`),
  });
  const what = result.applied.length === 0 ? 'already up to date' : `applied ${result.applied.join(', ')}`;
  process.stdout.write(`[db:migrate] ${result.database}: ${what} (${result.durationMs} ms)\n`);
} catch (err) {
  if (err instanceof MigrationError || err instanceof DatabaseConfigError) {
    process.stderr.write(`[db:migrate] ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
