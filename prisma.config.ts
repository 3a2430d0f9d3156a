/**
 * Prisma CLI configuration: `engine: "js"` (wasm schema engine + driver adapter), so no Prisma
 * CLI command needs a native engine download. See docs/metadata-store.md.
 *
 * One config serves both databases. The provider is `SLUICE_PRISMA_PROVIDER` when set (the
 * scripts set it: `prisma generate` runs once per provider), else the one `DATABASE_URL`
 * selects (server/db/target.ts), so `npx prisma migrate status` just works for a developer.
 * The schema and migrations paths follow the provider:
 *   prisma/generated/<provider>/schema.prisma   (written by scripts/prisma-generate.mjs)
 *   prisma/migrations/<provider>/               (committed SQL)
 */
import { defineConfig } from 'prisma/config';
import { createDriverAdapter } from './server/db/adapters.js';
import { installPrismaCliWorkarounds } from './server/db/prisma-cli-workarounds.js';
import { DB_PROVIDERS, DatabaseConfigError, providerPaths, resolveDatabaseTarget, type DbProvider } from './server/db/target.js';

function chosenProvider(): DbProvider {
  const forced = process.env.SLUICE_PRISMA_PROVIDER?.trim();
  if (forced) {
    if (!(DB_PROVIDERS as readonly string[]).includes(forced)) {
      throw new DatabaseConfigError(`SLUICE_PRISMA_PROVIDER must be one of ${DB_PROVIDERS.join(', ')}; got "${forced}"`);
    }
    return forced as DbProvider;
  }
  return resolveDatabaseTarget().provider;
}

const provider = chosenProvider();
const paths = providerPaths(provider);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: paths.schema,
  migrations: { path: paths.migrations },
  // Called only by commands that talk to a database (migrate deploy/diff/status, db execute…),
  // never by `prisma generate`.
  async adapter() {
    const target = resolveDatabaseTarget();
    if (target.provider !== provider) {
      throw new DatabaseConfigError(
        `SLUICE_PRISMA_PROVIDER is ${provider} but DATABASE_URL selects ${target.provider}; unset one of them`,
      );
    }
    installPrismaCliWorkarounds();
    return createDriverAdapter(target, { forPrismaCli: true });
  },
});
