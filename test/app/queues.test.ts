/**
 * The Queues page in real headless Chromium against a real `npm start` (its own server, temp
 * data dir): an empty state with the curl steps, then a subscription made, published to and
 * nacked into its dead-letter topic through the queue HTTP API, whose counts the page shows and
 * whose dead-letter link opens the topic; and the attempts distribution of a subscription whose
 * messages were nacked once and twice. Screenshot: docs/screenshots/queues.png.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, apiSignIn, launchChromium, openConsoleTab, ROOT, startSluice, type RunningSluice } from './real-sluice.js';

const SHOTS = join(ROOT, 'docs', 'screenshots');
const ADMIN_PASSWORD = 'console test admin password';
const RUN = Date.now().toString(36);
const TOPIC = `queues-${RUN}`;
const SUB = 'billing';
const RETRY_TOPIC = `queues-retry-${RUN}`;
const RETRY_SUB = 'shipping';
const WAIT = { timeout: 60_000 };

let sluice: RunningSluice;
let baseUrl: string;
let cookie = '';
let csrfToken = '';
let browser: Browser;
let page: Page;
/** Uncaught page errors and console errors (hydration mismatches among them) in the tab. */
let problems: string[] = [];

const apiCall = apiCaller(() => baseUrl, () => ({ cookie, csrfToken }));

async function signIn(p: Page, username: string, password: string, path: string): Promise<void> {
  await p.goto(`${baseUrl}${path}`, { waitUntil: 'load' });
  expect(new URL(p.url()).pathname).toBe('/login');
  await p.getByLabel('User name').fill(username);
  await p.getByLabel('Password').fill(password);
  await Promise.all([p.waitForURL((u) => u.pathname === path, WAIT), p.getByRole('button', { name: 'Sign in' }).click()]);
  await p.waitForLoadState('load');
}

beforeAll(async () => {
  sluice = await startSluice(ADMIN_PASSWORD);
  baseUrl = sluice.baseUrl;
  ({ cookie, csrfToken } = await apiSignIn(baseUrl, 'admin', ADMIN_PASSWORD));

  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  ({ page, problems } = await openConsoleTab(browser));
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await sluice?.stop();
});

async function ok(path: string, body: unknown): Promise<any> {
  const res = await apiCall(path, { method: 'POST', body });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${text}`);
  return text === '' ? null : JSON.parse(text);
}

describe('console: queue subscriptions in a real browser', () => {
  it('explains how to create a subscription while there is none', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD, '/clusters/built-in/queues');
    const empty = page.getByTestId('queues-empty');
    await empty.waitFor(WAIT);
    expect(await empty.innerText()).toContain('/api/v1/queues/orders/subscriptions');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).getAttribute('aria-current')).toBe('page');
  }, 120_000);

  it('shows the counts of a subscription, live, and links to its dead-letter topic', async () => {
    await ok('/api/v1/clusters/built-in/topics', { name: TOPIC, partitions: 1 });
    await ok(`/api/v1/queues/${TOPIC}/subscriptions`, { name: SUB, config: { maxAttempts: 1 } });
    const values = ['a', 'b', 'c', 'd', 'e'].map((v) => ({ key: v, value: v }));
    await ok(`/api/v1/queues/${TOPIC}/messages`, { messages: values });
    const received = (await ok(`/api/v1/queues/${TOPIC}/subscriptions/${SUB}/receive`, { max: 2, waitMs: 5000 })) as { messages: Array<{ receipt: string }> };
    expect(received.messages).toHaveLength(2);
    // maxAttempts 1: this nack dead-letters the message; the other stays in flight.
    await ok('/api/v1/queues/nack', { receipt: received.messages[0]!.receipt, reason: 'browser test' });

    const row = page.locator(`[data-testid="queue-row"][data-topic="${TOPIC}"][data-subscription="${SUB}"]`);
    // The page refreshes on its own (TanStack Query polling): no reload.
    await row.waitFor(WAIT);
    await expect.poll(async () => row.getByTestId('queue-dead').innerText(), { timeout: 60_000 }).toBe('1');
    expect(await row.getByTestId('queue-depth').innerText()).toBe('3');
    expect(await row.getByTestId('queue-inflight').innerText()).toBe('1');
    expect(await row.getByTestId('queue-expired').innerText()).toBe('0');
    // maxAttempts 1: one bucket (the four unsettled messages: three ready, one leased), then the dead letter.
    expect(await bucketCounts(row)).toEqual({ '1': 4, DL: 1 });

    await Promise.all([page.waitForURL((u) => u.pathname === `/clusters/built-in/topics/${TOPIC}.${SUB}.dlq`, WAIT), row.getByTestId('queue-dlq-link').click()]);
    await page.getByTestId('topic-name').waitFor(WAIT);
    expect(await page.getByTestId('topic-name').innerText()).toBe(`${TOPIC}.${SUB}.dlq`);
    expect(problems).toEqual([]);
  }, 180_000);

  it('shows how many unsettled messages are on attempt 1, 2, 3 and later, and the dead letters', async () => {
    await ok('/api/v1/clusters/built-in/topics', { name: RETRY_TOPIC, partitions: 2 });
    // No backoff: a nacked message can be received again at once.
    await ok(`/api/v1/queues/${RETRY_TOPIC}/subscriptions`, { name: RETRY_SUB, config: { maxAttempts: 4, backoff: { baseMs: 0, capMs: 0, jitter: 0 } } });
    await ok(`/api/v1/queues/${RETRY_TOPIC}/messages`, { messages: ['a', 'b', 'c', 'd'].map((v) => ({ key: v, value: v })) });
    const receive = async (max: number) =>
      ((await ok(`/api/v1/queues/${RETRY_TOPIC}/subscriptions/${RETRY_SUB}/receive`, { max, waitMs: 5000 })) as { messages: Array<{ receipt: string; attempt: number }> }).messages;
    const first = await receive(3);
    expect(first.map((m) => m.attempt)).toEqual([1, 1, 1]);
    // Two fail once; of those, one fails again: attempts 1 (one leased, one never delivered), 2, 3.
    for (const m of first.slice(0, 2)) await ok('/api/v1/queues/nack', { receipt: m.receipt, reason: 'browser test' });
    const [retried] = await receive(1);
    expect(retried!.attempt).toBe(2);
    await ok('/api/v1/queues/nack', { receipt: retried!.receipt, reason: 'browser test again' });

    await page.goto(`${baseUrl}/clusters/built-in/queues`, { waitUntil: 'load' });
    const row = page.locator(`[data-testid="queue-row"][data-topic="${RETRY_TOPIC}"][data-subscription="${RETRY_SUB}"]`);
    await row.waitFor(WAIT);
    await expect.poll(() => bucketCounts(row), { timeout: 60_000 }).toEqual({ '1': 2, '2': 1, '3': 1, '≥4': 0, DL: 0 });
    expect(await row.getByTestId('queue-attempts').getByRole('img').getAttribute('aria-label')).toContain('1 message on attempt 3');
    await page.screenshot({ path: join(SHOTS, 'queues.png') });
    expect(problems).toEqual([]);
  }, 120_000);
});

/** A row's attempts distribution as label → count, e.g. { '1': 2, '2': 1, DL: 0 }. */
async function bucketCounts(row: ReturnType<Page['locator']>): Promise<Record<string, number>> {
  const bars = row.getByTestId('queue-attempts').locator('[data-label]');
  const out: Record<string, number> = {};
  for (const bar of await bars.all()) out[(await bar.getAttribute('data-label'))!] = Number(await bar.getAttribute('data-count'));
  return out;
}
