/**
 * The control-plane metadata client: `getDb()` for the process-wide instance, `createDb()` for
 * a separate one (tests, tools), `closeDb()` at shutdown.
 *
 * Two Prisma clients are generated from the one source schema (scripts/prisma-generate.mjs):
 * `generated/prisma-sqlite` and `generated/prisma-postgresql`. A generated client is tied to its
 * provider (the SQLite one refuses the pg adapter), so the one matching DATABASE_URL is
 * instantiated. Both are imported statically: loading a client module is cheap (its query
 * compiler wasm is imported lazily, on first query), and it keeps `getDb()` synchronous.
 */
import { PrismaClient as PostgresPrismaClient, type Prisma as PgPrisma } from '../../generated/prisma-postgresql/client.js';
import { Prisma, PrismaClient as SqlitePrismaClient } from '../../generated/prisma-sqlite/client.js';
import { createDriverAdapter } from './adapters.js';
import { resolveDatabaseTarget, type DbTarget, type Env } from './target.js';

/**
 * The client type for both databases. It is the SQLite client's type, on purpose:
 * - both clients are generated from the same models, so their model APIs (`db.cluster.…`,
 *   `db.setting.…`, `$transaction`, …) are the same; TypeScript just cannot see that two
 *   separately generated classes are one type;
 * - where they differ, PostgreSQL offers more (e.g. `mode: 'insensitive'` string filters), so
 *   typing against SQLite lets only calls that work on both databases compile.
 * The PostgreSQL client is cast to it in `createDb` (checked below: its model delegates must
 * accept everything the SQLite ones accept).
 */
export type Db = SqlitePrismaClient;

/** Error classes shared by both clients (they come from the same @prisma/client runtime). */
export { Prisma };

// Compile-time guard for the cast: stops type-checking if the two generated clients ever
// diverge for a model (e.g. a provider-specific type slipped into the source schema): rows must
// have the same shape, and the arguments typed against SQLite must be accepted by PostgreSQL.
// Add each new model here.
type Same<A extends B, B extends C, C = A> = [A, B, C];
type Accepts<Wide, Narrow extends Wide> = [Wide, Narrow];
export type _ClientsAgree = [
  Same<Prisma.ClusterModel, PgPrisma.ClusterModel>,
  Same<Prisma.SettingModel, PgPrisma.SettingModel>,
  Accepts<PgPrisma.ClusterWhereInput, Prisma.ClusterWhereInput>,
  Accepts<PgPrisma.ClusterCreateInput, Prisma.ClusterCreateInput>,
  Accepts<PgPrisma.ClusterUpdateInput, Prisma.ClusterUpdateInput>,
  Accepts<PgPrisma.SettingWhereInput, Prisma.SettingWhereInput>,
  Accepts<PgPrisma.SettingCreateInput, Prisma.SettingCreateInput>,
  Accepts<PgPrisma.SettingUpdateInput, Prisma.SettingUpdateInput>,
  Same<Prisma.UserModel, PgPrisma.UserModel>,
  Same<Prisma.SessionModel, PgPrisma.SessionModel>,
  Same<Prisma.ApiTokenModel, PgPrisma.ApiTokenModel>,
  Same<Prisma.LoginAttemptModel, PgPrisma.LoginAttemptModel>,
  Same<Prisma.AuditEventModel, PgPrisma.AuditEventModel>,
  Same<Prisma.LagSampleModel, PgPrisma.LagSampleModel>,
  Same<Prisma.AlertRuleModel, PgPrisma.AlertRuleModel>,
  Same<Prisma.AlertEventModel, PgPrisma.AlertEventModel>,
  Same<Prisma.JobModel, PgPrisma.JobModel>,
  Accepts<PgPrisma.UserWhereInput, Prisma.UserWhereInput>,
  Accepts<PgPrisma.UserCreateInput, Prisma.UserCreateInput>,
  Accepts<PgPrisma.SessionWhereInput, Prisma.SessionWhereInput>,
  Accepts<PgPrisma.SessionCreateInput, Prisma.SessionCreateInput>,
  Accepts<PgPrisma.ApiTokenWhereInput, Prisma.ApiTokenWhereInput>,
  Accepts<PgPrisma.ApiTokenCreateInput, Prisma.ApiTokenCreateInput>,
  Accepts<PgPrisma.LoginAttemptWhereInput, Prisma.LoginAttemptWhereInput>,
  Accepts<PgPrisma.LoginAttemptCreateInput, Prisma.LoginAttemptCreateInput>,
  Accepts<PgPrisma.AuditEventWhereInput, Prisma.AuditEventWhereInput>,
  Accepts<PgPrisma.AuditEventCreateInput, Prisma.AuditEventCreateInput>,
  Accepts<PgPrisma.LagSampleWhereInput, Prisma.LagSampleWhereInput>,
  Accepts<PgPrisma.LagSampleCreateInput, Prisma.LagSampleCreateInput>,
  Accepts<PgPrisma.AlertRuleWhereInput, Prisma.AlertRuleWhereInput>,
  Accepts<PgPrisma.AlertRuleCreateInput, Prisma.AlertRuleCreateInput>,
  Accepts<PgPrisma.AlertEventWhereInput, Prisma.AlertEventWhereInput>,
  Accepts<PgPrisma.AlertEventCreateInput, Prisma.AlertEventCreateInput>,
  Accepts<PgPrisma.JobWhereInput, Prisma.JobWhereInput>,
  Accepts<PgPrisma.JobCreateInput, Prisma.JobCreateInput>,
];

export interface CreateDbOptions {
  /** Where DATABASE_URL / SLUICE_DATA_DIR are read from (default `process.env`). */
  env?: Env;
  /**
   * Prisma log levels to print (default: warnings only; errors are thrown to the caller, who may
   * well handle them, like the unique-constraint race in ensureBuiltinCluster).
   */
  log?: ('query' | 'info' | 'warn' | 'error')[];
}

/** A new client for the database the environment selects. The caller owns it: `$disconnect()`. */
export function createDb(options: CreateDbOptions = {}): Db {
  return createDbFor(resolveDatabaseTarget(options.env ?? process.env), options.log ?? ['warn']);
}

function createDbFor(target: DbTarget, log: CreateDbOptions['log']): Db {
  const adapter = createDriverAdapter(target);
  if (target.provider === 'sqlite') return new SqlitePrismaClient({ adapter, log });
  return new PostgresPrismaClient({ adapter, log }) as unknown as Db;
}

// On globalThis rather than in a module variable: `next dev` re-evaluates modules on every
// edit, and each evaluation would otherwise open another SQLite handle or pg pool.
const GLOBAL_KEY = Symbol.for('sluice.metadataDb');
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Db };

/** The process-wide client for the database `process.env` selects; created on first use. */
export function getDb(): Db {
  const g = globalThis as GlobalWithDb;
  return (g[GLOBAL_KEY] ??= createDb());
}

/** Disconnects the process-wide client, if any; a later `getDb()` creates a new one. */
export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const db = g[GLOBAL_KEY];
  if (!db) return;
  delete g[GLOBAL_KEY];
  await db.$disconnect();
}

/** True for a unique-constraint violation (Prisma P2002), on either database. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
