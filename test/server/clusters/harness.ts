/**
 * A real world for the cluster API tests: a migrated SQLite metadata DB behind getDb(), the
 * process-wide broker started in process (temp data dir, Kafka listener on port 0), and callers
 * of each role: operator and viewer by API token (as curl would), admin by session + CSRF.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../broker/config.js';
import { memoryLogger } from '../../../broker/logger.js';
import { getBroker, startBroker, stopBroker } from '../../../broker/runtime.js';
import * as tokensRoute from '../../../app/api/v1/tokens/route.js';
import { call, signedInAs, useFreshProcessDb, type Caller, type CallOptions } from '../api/harness.js';

export interface World {
  kafkaBroker: string;
  admin: Caller;
  operator: Caller;
  viewer: Caller;
  stop(): Promise<void>;
}

/** An API token made through the API itself, with a session, as a user would before using curl. */
async function tokenFor(username: string, role: 'viewer' | 'operator'): Promise<Caller> {
  const session = await signedInAs(username, role);
  const res = await call(tokensRoute.POST, { ...session, method: 'POST', path: '/api/v1/tokens', body: { name: `${username}-cli`, role } });
  if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${await res.text()}`);
  return { bearer: ((await res.json()) as { token: string }).token };
}

export async function startWorld(): Promise<World> {
  const cleanupDb = await useFreshProcessDb();
  const brokerDir = mkdtempSync(join(tmpdir(), 'sluice-clusters-api-'));
  await startBroker(loadBrokerConfig({ SLUICE_DATA_DIR: brokerDir, SLUICE_KAFKA_HOST: '127.0.0.1', SLUICE_KAFKA_PORT: '0' }), { logger: memoryLogger() });
  const port = getBroker()!.kafka!.address()!.port;
  return {
    kafkaBroker: `127.0.0.1:${port}`,
    admin: await signedInAs('ada', 'admin'),
    operator: await tokenFor('olga', 'operator'),
    viewer: await tokenFor('vera', 'viewer'),
    async stop() {
      await stopBroker();
      await cleanupDb();
      rmSync(brokerDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A topic name no other test in this process uses. */
export function freshTopic(prefix = 'api'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Calls a handler and returns status and parsed JSON body (null for 204). */
export async function json<T = any>(handler: unknown, o: CallOptions): Promise<{ status: number; body: T }> {
  const res = await call(handler, o);
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
}
