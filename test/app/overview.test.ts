/**
 * The cluster overview page in real headless Chromium against a real `npm start` (one server for
 * this file, temp data dir): the live traffic chart shows a non-zero rate while kafkajs produces,
 * the counts cards are there, and a kafkajs group that consumed nothing is listed among the most
 * lagging groups with a link to its page. Saves docs/screenshots/overview.png.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, apiSignIn, launchChromium, openConsoleTab, ROOT, startSluice, type RunningSluice } from './real-sluice.js';

const SHOTS = join(ROOT, 'docs', 'screenshots');
const ADMIN_PASSWORD = 'overview test admin password';
const RUN = Date.now().toString(36);
const TOPIC = `overview-${RUN}`;
const GROUP = `overview-lagging-${RUN}`;
const WAIT = { timeout: 60_000 };

let sluice: RunningSluice;
let baseUrl: string;
let cookie = '';
let csrfToken = '';
let kafka: Kafka;
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
  const status = (await (await apiCall('/api/v1/broker')).json()) as { kafkaListener: { port: number } };
  kafka = new Kafka({ clientId: 'sluice-overview-test', brokers: [`127.0.0.1:${status.kafkaListener.port}`], logLevel: logLevel.NOTHING });

  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  ({ page, problems } = await openConsoleTab(browser));
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await sluice?.stop();
});

describe('cluster overview in a real browser', () => {
  it('shows the live traffic chart with a non-zero rate while kafkajs produces', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD, '/clusters/built-in');
    expect(await page.getByTestId('cluster-health').innerText()).toBe('up');
    await page.getByTestId('count-groups').waitFor(WAIT);
    expect(await page.getByText('the last 5 minutes are kept in this browser tab only').isVisible()).toBe(true);

    const created = await apiCall('/api/v1/clusters/built-in/topics', { method: 'POST', body: { name: TOPIC, partitions: 2 } });
    expect(created.status).toBe(201);
    const producer = kafka.producer();
    await producer.connect();
    // Produce steadily until the page shows a rate: rates come from two polls 2 s apart, so one
    // burst between polls would show once and then fall back to zero.
    let producing = true;
    let produced = 0;
    const loop = (async () => {
      while (producing) {
        await producer.send({ topic: TOPIC, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${produced + i}` })) });
        produced += 20;
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    try {
      await page.waitForFunction(
        () => {
          const el = document.querySelector('[data-testid="rate-messages-in"]');
          return !!el && parseFloat((el.textContent ?? '').replace(/,/g, '')) > 0;
        },
        undefined,
        { timeout: 90_000, polling: 250 },
      );
      // A few more polls at a steady rate, so the chart (and the screenshot) shows a plateau.
      await new Promise((r) => setTimeout(r, 6_000));
    } finally {
      producing = false;
      await loop;
      await producer.disconnect();
    }
    expect(produced).toBeGreaterThan(0);
    expect(await page.getByTestId('traffic-chart-messages').locator('.recharts-line').count()).toBe(2);
    expect(await page.getByTestId('traffic-chart-bytes').isVisible()).toBe(true);
  }, 180_000);

  it('lists a kafkajs group that consumed nothing among the most lagging groups, linked to its page', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
    } finally {
      await admin.disconnect();
    }
    const row = page.getByTestId('lagging-group-row').filter({ hasText: GROUP });
    await row.waitFor(WAIT);
    expect(Number((await row.locator('td.num').innerText()).replace(/,/g, ''))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('count-groups').innerText())).toBeGreaterThanOrEqual(1);
    // The topic created above shows in the counts without a reload.
    expect(Number(await page.getByTestId('count-topics').innerText())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('count-partitions').innerText())).toBeGreaterThanOrEqual(2);
    // Tall enough for the whole page, so the sidebar runs the full height in the screenshot.
    await page.setViewportSize({ width: 1280, height: 1320 });
    await page.screenshot({ path: join(SHOTS, 'overview.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    await row.getByRole('link', { name: GROUP }).click();
    await page.waitForURL((u) => u.pathname === `/clusters/built-in/groups/${GROUP}`, WAIT);
    expect(problems).toEqual([]);
  }, 120_000);
});
