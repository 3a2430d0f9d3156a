/**
 * The topic page's throughput chart and the group page's per-topic lag lines, in real headless
 * Chromium against a real `npm start` (one server for this file, temp data dir) with real kafkajs
 * clients: the topic chart shows a non-zero rate while kafkajs produces to that topic (and only
 * that topic's traffic), and a group that consumed two topics gets a legend entry per topic next
 * to the total.
 */
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, apiSignIn, browserSignIn, launchChromium, openConsoleTab, startSluice, type RunningSluice } from './real-sluice.js';

const ADMIN_PASSWORD = 'charts test admin password';
const RUN = Date.now().toString(36);
const BUSY = `charts-busy-${RUN}`;
const QUIET = `charts-quiet-${RUN}`;
const GROUP = `charts-group-${RUN}`;
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

async function createTopic(name: string, partitions: number): Promise<void> {
  const res = await apiCall('/api/v1/clusters/built-in/topics', { method: 'POST', body: { name, partitions } });
  expect(res.status, await res.text()).toBe(201);
}

async function send(producer: Producer, topic: string, count: number, tag: string): Promise<void> {
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}` })) });
}

/** The number in a "12.5/s" rate, or NaN when the element is missing. */
const rateOf = (p: Page, testId: string) =>
  p.evaluate((id) => parseFloat((document.querySelector(`[data-testid="topic-traffic"] [data-testid="${id}"]`)?.textContent ?? '').replace(/,/g, '')), testId);

beforeAll(async () => {
  sluice = await startSluice(ADMIN_PASSWORD);
  baseUrl = sluice.baseUrl;
  ({ cookie, csrfToken } = await apiSignIn(baseUrl, 'admin', ADMIN_PASSWORD));
  const status = (await (await apiCall('/api/v1/broker')).json()) as { kafkaListener: { port: number } };
  kafka = new Kafka({ clientId: 'sluice-charts-test', brokers: [`127.0.0.1:${status.kafkaListener.port}`], logLevel: logLevel.NOTHING });
  await createTopic(BUSY, 2);
  await createTopic(QUIET, 1);

  browser = await launchChromium();
  ({ page, problems } = await openConsoleTab(browser));
  await browserSignIn(page, baseUrl, 'admin', ADMIN_PASSWORD);
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await sluice?.stop();
});

describe('topic and group charts in a real browser', () => {
  it("the topic page charts that topic's throughput live while kafkajs produces to it", async () => {
    await page.goto(`${baseUrl}/clusters/built-in/topics/${BUSY}`, { waitUntil: 'load' });
    const panel = page.getByTestId('topic-traffic');
    await panel.getByText('the last 5 minutes are kept in this browser tab only').waitFor(WAIT);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // Steadily, so consecutive 2 s readings each see traffic (one burst would show once).
    let producing = true;
    let produced = 0;
    const loop = (async () => {
      while (producing) {
        await send(producer, BUSY, 20, 'v');
        produced += 20;
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    try {
      await page.waitForFunction(
        () => parseFloat((document.querySelector('[data-testid="topic-traffic"] [data-testid="rate-messages-in"]')?.textContent ?? '').replace(/,/g, '')) > 0,
        undefined,
        { timeout: 90_000, polling: 250 },
      );
    } finally {
      producing = false;
      await loop;
      await producer.disconnect();
    }
    expect(produced).toBeGreaterThan(0);
    expect(await rateOf(page, 'rate-messages-in')).toBeGreaterThan(0);
    // Two lines (in, out) in each chart, with points drawn for the non-zero series.
    for (const chart of ['traffic-chart-messages', 'traffic-chart-bytes']) {
      expect(await panel.getByTestId(chart).locator('.recharts-line').count(), chart).toBe(2);
      const path = await panel.getByTestId(chart).locator('.recharts-line path').first().getAttribute('d');
      expect(path, chart).toBeTruthy();
    }
  }, 180_000);

  it("another topic's chart stays at zero: the rates are per topic, not the cluster's", async () => {
    await page.goto(`${baseUrl}/clusters/built-in/topics/${QUIET}`, { waitUntil: 'load' });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      // Traffic elsewhere while the quiet topic's page takes two readings.
      for (let i = 0; i < 12; i++) {
        await send(producer, BUSY, 10, 'elsewhere');
        await new Promise((r) => setTimeout(r, 400));
      }
      await page.getByTestId('topic-traffic').getByTestId('traffic-now').waitFor(WAIT);
    } finally {
      await producer.disconnect();
    }
    expect(await rateOf(page, 'rate-messages-in')).toBe(0);
    expect(await rateOf(page, 'rate-messages-out')).toBe(0);
  }, 120_000);

  it('the group page draws a lag line per topic, with a legend entry for each next to the total', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await send(producer, QUIET, 4, 'first');
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [BUSY, QUIET], fromBeginning: true });
      const seen = new Set<string>();
      await consumer.run({ eachMessage: async ({ topic }) => void seen.add(topic) });
      const deadline = Date.now() + 90_000;
      while (seen.size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect([...seen].sort()).toEqual([BUSY, QUIET].sort());
      // Let the last commits land (kafkajs commits on an interval and when it stops).
    } finally {
      await consumer.disconnect();
    }
    // Lag on both topics: messages the group has not consumed.
    await send(producer, BUSY, 7, 'late');
    await send(producer, QUIET, 3, 'late');
    await producer.disconnect();

    await page.goto(`${baseUrl}/clusters/built-in/groups/${GROUP}`, { waitUntil: 'load' });
    await page.getByTestId('group-id').waitFor(WAIT);
    const legend = page.getByTestId('lag-chart').locator('.recharts-legend-item-text');
    // The server samples every 5 s while the page polls; the first sample brings the topics.
    await expect.poll(async () => (await legend.allInnerTexts()).sort(), { timeout: 60_000, interval: 500 }).toEqual([BUSY, QUIET, 'Total lag'].sort());
    expect(await page.getByTestId('lag-chart').locator('.recharts-line').count()).toBe(3);
    expect(problems).toEqual([]);
  }, 240_000);
});
