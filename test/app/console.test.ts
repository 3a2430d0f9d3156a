/**
 * The console's topic and consumer-group pages in real headless Chromium against a real
 * `npm start` (one server for this file, temp data dir): sign in, create a topic, produce from the
 * UI and from kafkajs, search by key, watch a kafkajs group's lag, reset its offsets through the
 * preview, delete the topic with typed confirmation, and check a viewer sees no mutating controls.
 * Screenshots of every main page go to docs/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, apiSignIn, launchChromium, openConsoleTab, ROOT, startSluice, type RunningSluice } from './real-sluice.js';

const SHOTS = join(ROOT, 'docs', 'screenshots');
const ADMIN_PASSWORD = 'console test admin password';
const VIEWER_PASSWORD = 'console test viewer password';
const RUN = Date.now().toString(36);
const TOPIC = `console-${RUN}`;
const GROUP = `console-group-${RUN}`;
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

/** Consumes until the group has read `count` messages, then leaves (committing on the way). */
async function consumeAll(consumer: Consumer, count: number): Promise<void> {
  let seen = 0;
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`consumed ${seen} of ${count} messages`)), 90_000);
    consumer
      .run({
        eachMessage: async () => {
          seen++;
          if (seen >= count) {
            clearTimeout(timer);
            done();
          }
        },
      })
      .catch(fail);
  });
}

beforeAll(async () => {
  sluice = await startSluice(ADMIN_PASSWORD);
  baseUrl = sluice.baseUrl;
  ({ cookie, csrfToken } = await apiSignIn(baseUrl, 'admin', ADMIN_PASSWORD));
  const status = (await (await apiCall('/api/v1/broker')).json()) as { kafkaListener: { port: number } };
  kafka = new Kafka({ clientId: 'sluice-console-test', brokers: [`127.0.0.1:${status.kafkaListener.port}`], logLevel: logLevel.NOTHING });

  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  ({ page, problems } = await openConsoleTab(browser));
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await sluice?.stop();
});

describe('console: topics, messages and consumer groups in a real browser', () => {
  it('signs in and shows the cluster overview in the sidebar shell', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD, '/clusters/built-in');
    expect(await page.getByTestId('signed-in-as').innerText()).toContain('admin');
    expect(await page.getByTestId('cluster-health').innerText()).toBe('up');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topics' }).isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Admin' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'overview.png') });

    // Keyboard: the first Tab lands on the skip link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');

    // The theme choice is remembered and applied before the first paint of the next page.
    await page.getByRole('radio', { name: 'Dark' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload({ waitUntil: 'domcontentloaded' });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('radio', { name: 'System' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
  }, 120_000);

  it('creates a topic from the UI, with field-level validation first', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topics' }).click();
    await page.waitForURL((u) => u.pathname === '/clusters/built-in/topics', WAIT);
    await page.getByTestId('create-topic').click();
    await page.getByLabel('Name').fill('not a topic!');
    await page.getByLabel('Partitions').fill('0');
    await page.getByTestId('create-topic-submit').click();
    expect(await page.getByTestId('error-name').innerText()).toContain('letters, digits');
    expect(await page.getByTestId('error-partitions').innerText()).toContain('1 to 10000');

    // The server's refusal of a config value lands next to the config field, and creates nothing.
    await page.getByLabel('Name').fill(TOPIC);
    await page.getByLabel('Partitions').fill('3');
    await page.getByLabel('Other configs').fill('segment.bytes=lots');
    await page.getByTestId('create-topic-submit').click();
    await page.getByTestId('error-extra').waitFor(WAIT);
    expect(await page.getByTestId('error-extra').innerText()).toContain('segment.bytes');
    expect((await apiCall(`/api/v1/clusters/built-in/topics/${TOPIC}`)).status).toBe(404);

    await page.getByLabel('Other configs').fill('');
    await page.getByLabel('Retention (hours)').fill('48');
    await page.getByTestId('create-topic-submit').click();
    await page.waitForURL((u) => u.pathname === `/clusters/built-in/topics/${TOPIC}`, WAIT);
    expect(await page.getByTestId('topic-name').innerText()).toBe(TOPIC);

    const configs = (await (await apiCall(`/api/v1/clusters/built-in/topics/${TOPIC}/configs`)).json()) as { items: { name: string; value: string }[] };
    expect(configs.items.find((c) => c.name === 'retention.ms')?.value).toBe(String(48 * 3_600_000));

    // Config edits are previewed as a diff (validateOnly) before they are applied.
    await page.getByTestId('tab-configs').click();
    await page.getByTestId('edit-configs').click();
    await page.getByLabel('retention.ms', { exact: true }).fill('3600000');
    await page.getByTestId('preview-configs').click();
    await page.getByTestId('config-diff').waitFor(WAIT);
    expect(await page.getByTestId('config-diff').innerText()).toMatch(/retention\.ms\s+172800000\s*→\s*3600000/);
    const unchanged = (await (await apiCall(`/api/v1/clusters/built-in/topics/${TOPIC}/configs`)).json()) as { items: { name: string; value: string }[] };
    expect(unchanged.items.find((c) => c.name === 'retention.ms')?.value).toBe('172800000');
    await page.getByTestId('apply-configs').click();
    await page.getByTestId('toast').filter({ hasText: '1 config changed' }).waitFor(WAIT);
    const applied = (await (await apiCall(`/api/v1/clusters/built-in/topics/${TOPIC}/configs`)).json()) as { items: { name: string; value: string }[] };
    expect(applied.items.find((c) => c.name === 'retention.ms')?.value).toBe('3600000');

    await page.goto(`${baseUrl}/clusters/built-in/topics`, { waitUntil: 'load' });
    await page.getByTestId('topic-search').fill(TOPIC);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="topic-row"]').length === 1, undefined, WAIT);
    await page.screenshot({ path: join(SHOTS, 'topics.png') });
  }, 120_000);

  it('produces from the UI and with kafkajs, and finds a message with a key filter', async () => {
    await page.goto(`${baseUrl}/clusters/built-in/topics/${TOPIC}`, { waitUntil: 'load' });
    await page.getByTestId('tab-produce').click();
    await page.getByTestId('produce-key').fill('from-the-ui');
    await page.getByTestId('produce-value').fill('{"hello":"ui"}');
    await page.getByTestId('produce-submit').click();
    await page.getByTestId('produce-result').waitFor(WAIT);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 20 }, (_, i) => ({ key: `kjs-${i}`, value: JSON.stringify({ n: i }) })) });
    await producer.disconnect();

    await page.getByTestId('tab-messages').click();
    await page.getByTestId('find-messages').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 21, undefined, WAIT);

    await page.getByTestId('filter-field').selectOption('key');
    await page.getByTestId('filter-text').fill('kjs-17');
    await page.getByTestId('find-messages').click();
    await page.getByTestId('scan-note').waitFor(WAIT);
    expect(await page.getByTestId('scan-note').innerText()).toMatch(/Scanned 21 messages.*1 matched, stopped by the end of the topic/);
    expect(await page.getByTestId('message').count()).toBe(1);
    expect(await page.getByTestId('message-key').innerText()).toBe('kjs-17');
    expect(await page.getByTestId('message-value').innerText()).toContain('"n": 17');

    // A small scan budget stops early and says so; Continue picks up where the scan stopped.
    await page.getByLabel('Scan budget (messages)').fill('8');
    await page.getByTestId('find-messages').click();
    await page.getByTestId('scan-note').filter({ hasText: 'stopped by the message budget' }).waitFor(WAIT);
    expect(await page.getByTestId('scan-note').innerText()).toMatch(/^Scanned 8 messages/);
    for (let i = 0; i < 5 && (await page.getByTestId('search-continue').count()) > 0; i++) {
      const before = await page.getByTestId('scan-note').innerText();
      await page.getByTestId('search-continue').click();
      await page.waitForFunction((b) => document.querySelector('[data-testid="scan-note"]')?.textContent !== b, before, WAIT);
    }
    expect(await page.getByTestId('scan-note').innerText()).toContain('stopped by the end of the topic');
    expect(await page.getByTestId('message').count()).toBe(1);
    expect(await page.getByTestId('message-key').innerText()).toBe('kjs-17');
    await page.getByLabel('Scan budget (messages)').fill('10000');
    await page.getByTestId('find-messages').click();
    await page.getByTestId('scan-note').filter({ hasText: 'Scanned 21 messages' }).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'messages.png'), fullPage: true });

    await page.getByTestId('tab-partitions').click();
    const cells = await page.getByTestId('partitions-table').locator('tbody tr').count();
    expect(cells).toBe(3);
    await page.screenshot({ path: join(SHOTS, 'topic.png') });
  }, 180_000);

  it('shows a kafkajs group with its lag, resets it through the preview, and sees lag drop to 0', async () => {
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumeAll(consumer, 21);
    await consumer.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 5 }, (_, i) => ({ key: `late-${i}`, value: 'late' })) });
    await producer.disconnect();

    await page.goto(`${baseUrl}/clusters/built-in/groups`, { waitUntil: 'load' });
    const row = page.getByTestId('group-row').filter({ hasText: GROUP });
    await row.waitFor(WAIT);
    await page.waitForFunction(
      (g) => [...document.querySelectorAll('[data-testid="group-row"]')].some((r) => r.textContent?.includes(g) && r.querySelector('[data-testid="group-lag"]')?.textContent === '5'),
      GROUP,
      WAIT,
    );
    await page.screenshot({ path: join(SHOTS, 'groups.png') });

    await row.getByRole('link', { name: GROUP }).click();
    await page.waitForURL((u) => u.pathname === `/clusters/built-in/groups/${GROUP}`, WAIT);
    expect(await page.getByTestId('group-total-lag').innerText()).toBe('5');
    await page.getByTestId('reset-offsets').click();
    await page.getByTestId('reset-kind').selectOption('earliest');
    expect(await page.getByTestId('reset-apply').isDisabled()).toBe(true);
    await page.getByTestId('reset-preview').click();
    await page.getByTestId('reset-plan').waitFor(WAIT);
    expect(await page.getByTestId('reset-plan').locator('tbody tr').count()).toBe(3);
    await page.getByTestId('reset-apply').click();
    await page.getByTestId('toast').filter({ hasText: 'reset on 3 partitions' }).waitFor(WAIT);
    await page.waitForFunction(() => document.querySelector('[data-testid="group-total-lag"]')?.textContent === '26', undefined, WAIT);

    const again = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await again.connect();
    await again.subscribe({ topic: TOPIC, fromBeginning: true });
    try {
      await consumeAll(again, 26);
      await page.waitForFunction(() => document.querySelector('[data-testid="group-total-lag"]')?.textContent === '0', undefined, { timeout: 90_000 });
      await page.screenshot({ path: join(SHOTS, 'group.png'), fullPage: true });
    } finally {
      await again.disconnect();
    }
  }, 300_000);

  it('deletes the topic only after its name is typed', async () => {
    await page.goto(`${baseUrl}/clusters/built-in/topics/${TOPIC}`, { waitUntil: 'load' });
    await page.getByTestId('delete-topic').click();
    await page.getByTestId('delete-confirm').fill(`${TOPIC}-nope`);
    expect(await page.getByTestId('delete-submit').isDisabled()).toBe(true);
    await page.getByTestId('delete-confirm').fill(TOPIC);
    await page.getByTestId('delete-submit').click();
    await page.waitForURL((u) => u.pathname === '/clusters/built-in/topics', WAIT);
    expect((await apiCall(`/api/v1/clusters/built-in/topics/${TOPIC}`)).status).toBe(404);
    expect(problems).toEqual([]);
  }, 120_000);

  it('a viewer sees no mutating controls', async () => {
    const created = await apiCall('/api/v1/users', { method: 'POST', body: { username: 'viewer1', password: VIEWER_PASSWORD, role: 'viewer', mustChangePassword: false } });
    expect(created.status).toBe(201);
    const topic = `${TOPIC}-view`;
    expect((await apiCall('/api/v1/clusters/built-in/topics', { method: 'POST', body: { name: topic, partitions: 1 } })).status).toBe(201);
    for (const value of ['{"kind":"order"}', '{"kind":"refund"}', '{"kind":"order"}']) {
      expect((await apiCall(`/api/v1/clusters/built-in/topics/${topic}/messages`, { method: 'POST', body: { value } })).status).toBe(201);
    }

    const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(viewer, 'viewer1', VIEWER_PASSWORD, '/clusters/built-in/topics');
    expect(await viewer.getByTestId('signed-in-as').innerText()).toContain('viewer');
    await viewer.getByTestId('topic-row').first().waitFor(WAIT);
    expect(await viewer.getByTestId('create-topic').count()).toBe(0);
    expect(await viewer.getByTestId('delete-topic').count()).toBe(0);
    expect(await viewer.getByRole('navigation', { name: 'Admin' }).count()).toBe(0);
    expect(await viewer.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'API tokens' }).count()).toBe(1);

    await viewer.goto(`${baseUrl}/clusters/built-in/topics/${topic}`, { waitUntil: 'load' });
    await viewer.getByTestId('topic-name').waitFor(WAIT);
    for (const id of ['delete-topic', 'add-partitions', 'tab-produce']) expect(await viewer.getByTestId(id).count(), id).toBe(0);
    // Search is a read: a viewer has the filter box and it works (POST with the session's CSRF token).
    await viewer.getByTestId('filter-field').selectOption('value');
    await viewer.getByTestId('filter-text').fill('refund');
    await viewer.getByTestId('find-messages').click();
    await viewer.getByTestId('scan-note').waitFor(WAIT);
    expect(await viewer.getByTestId('scan-note').innerText()).toMatch(/Scanned 3 messages.*1 matched/);
    expect(await viewer.getByTestId('message-value').innerText()).toContain('refund');
    await viewer.getByTestId('tab-configs').click();
    expect(await viewer.getByTestId('edit-configs').count()).toBe(0);

    await viewer.goto(`${baseUrl}/clusters/built-in/groups/${GROUP}`, { waitUntil: 'load' });
    await viewer.getByTestId('group-id').waitFor(WAIT);
    expect(await viewer.getByTestId('reset-offsets').count()).toBe(0);
    expect(await viewer.getByTestId('delete-group').count()).toBe(0);
  }, 120_000);

  it('deletes a consumer group only after its name is typed, and audits it', async () => {
    await page.goto(`${baseUrl}/clusters/built-in/groups/${GROUP}`, { waitUntil: 'load' });
    await page.getByTestId('group-id').waitFor(WAIT);
    await page.getByTestId('delete-group').click();
    expect(await page.getByTestId('group-delete-submit').isDisabled()).toBe(true);
    await page.getByTestId('group-delete-confirm').fill(`${GROUP}-nope`);
    expect(await page.getByTestId('group-delete-submit').isDisabled()).toBe(true);
    await page.getByTestId('group-delete-confirm').fill(GROUP);
    await page.getByTestId('group-delete-submit').click();
    await page.waitForURL((u) => u.pathname === '/clusters/built-in/groups', WAIT);
    await page.getByTestId('toast').filter({ hasText: `Group ${GROUP} deleted` }).waitFor(WAIT);
    expect((await apiCall(`/api/v1/clusters/built-in/groups/${GROUP}`)).status).toBe(404);
    const audit = (await (await apiCall('/api/v1/audit?action=group.delete')).json()) as { items: { target: string; outcome: string; actor: string }[] };
    expect(audit.items).toContainEqual(expect.objectContaining({ target: `cluster/built-in/group/${GROUP}`, outcome: 'success', actor: 'admin' }));
    expect(problems).toEqual([]);
  }, 120_000);

  it('the topics list windows its rows and pages from the server at 1,200 topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const prefix = `bulk-${RUN}-`;
    try {
      for (let b = 0; b < 6; b++) {
        await admin.createTopics({ topics: Array.from({ length: 200 }, (_, i) => ({ topic: `${prefix}${String(b * 200 + i).padStart(4, '0')}`, numPartitions: 1 })) });
      }
      await admin.createTopics({ topics: [{ topic: `${prefix}widest`, numPartitions: 7 }] });
    } finally {
      await admin.disconnect();
    }
    const started = Date.now();
    await page.goto(`${baseUrl}/clusters/built-in/topics`, { waitUntil: 'load' });
    await page.getByTestId('topic-row').first().waitFor(WAIT);
    const firstPaintMs = Date.now() - started;
    // Only the rows in view (plus overscan) are in the DOM, not 1,200.
    expect(await page.getByTestId('topic-row').count()).toBeLessThan(60);
    expect(await page.getByText('500+ topics').count()).toBe(1);

    // Scrolling to the end fetches the next pages.
    for (let i = 0; i < 10 && (await page.getByText(/\+ topics$/).count()) > 0; i++) {
      await page.getByRole('rowgroup', { name: 'Topic rows' }).evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await new Promise((r) => setTimeout(r, 500));
    }
    const total = await page.getByText(/^[\d,]+ topics$/).innerText();
    expect(Number(total.replace(/\D/g, ''))).toBeGreaterThanOrEqual(1201);
    expect(await page.getByTestId('topic-row').count()).toBeLessThan(60);

    // Sorting is the server's, over every page: the widest topic comes first.
    await page.getByRole('button', { name: /^Partitions/ }).click();
    await page.waitForFunction((name) => document.querySelector('[data-testid="topic-row"] a')?.textContent === name, `${prefix}widest`, WAIT);
    console.log(`[console test] topics list first paint with ${total}: ${firstPaintMs} ms`);
  }, 300_000);
});
