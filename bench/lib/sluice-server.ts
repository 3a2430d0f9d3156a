/**
 * A real Sluice for benchmarks that measure it from the outside: test/app/real-sluice.ts's
 * `npm start` (the one launcher), on fixed free Kafka and queue data-plane ports so the bench can
 * reach them, signed in as the first admin, handing out API tokens.
 */
import { apiSignIn, createApiToken, freePort, startSluice as startRealSluice, type ApiSession } from '../../test/app/real-sluice.js';

const ADMIN_PASSWORD = 'bench admin password';

export interface SluiceServer {
  base: string;
  /** The queue data-plane port's base URL (SLUICE_QUEUE_HTTP_PORT), always started here. */
  dataPlaneBase: string;
  dataDir: string;
  kafkaPort: number;
  /** Session of the first admin: send `cookie`, and `x-csrf-token` on writes. */
  session: ApiSession;
  /** An API token with the given role, made once per call. */
  token(role: 'viewer' | 'operator' | 'admin'): Promise<string>;
  stop(): Promise<void>;
}

export async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** `dataParent`: where the data dir is made (the bench's disk, SLUICE_BENCH_DIR). */
export async function startSluice(dataParent: string): Promise<SluiceServer> {
  const [kafkaPort, dataPlanePort] = [await freePort(), await freePort()];
  const sluice = await startRealSluice(ADMIN_PASSWORD, { SLUICE_KAFKA_PORT: String(kafkaPort), SLUICE_QUEUE_HTTP_PORT: String(dataPlanePort) }, dataParent);
  try {
    const session = await apiSignIn(sluice.baseUrl, 'admin', ADMIN_PASSWORD);
    return {
      base: sluice.baseUrl,
      dataPlaneBase: `http://127.0.0.1:${dataPlanePort}`,
      dataDir: sluice.dataDir,
      kafkaPort,
      session,
      token: (role) => createApiToken(sluice.baseUrl, session, role),
      stop: sluice.stop,
    };
  } catch (err) {
    await sluice.stop();
    throw err;
  }
}
