import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'puppeteer-core';
import { call, eventually, settled, tokenFor } from './support/api';
import { queueUrl, sqs } from './support/aws';
import { launchBrowser, noBrowser } from './support/browser';
import { E2E_PORTS } from './support/ports';

/*
 * The console in a real headless Chromium, against the local cloud `npm start` runs: what a developer
 * sees and clicks. Screenshots go to /tmp/console-*.png.
 */

const CONSOLE = `http://127.0.0.1:${E2E_PORTS.console}`;
const PAYMENTS_DLQ = 'orderflow-local-payments-dlq';
const skipped = noBrowser();
jest.setTimeout(90_000);

if (skipped) process.stderr.write(`tests/e2e/console.test.ts: the browser test was not run: ${skipped}\n`);

(skipped ? describe.skip : describe)('the console in a browser', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // Nothing but the console itself: a request to a CDN or any other address fails the test.
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url().startsWith(`${CONSOLE}/`)) return void request.continue();
      foreignRequests.push(request.url());
      void request.abort();
    });
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(CONSOLE, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  const textOf = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '');
  /** Waits until the element's text matches, as the page redraws itself. */
  const waitForText = (selector: string, pattern: RegExp | string, timeoutMs = 10_000) =>
    eventually(
      async () => {
        const text = await textOf(selector);
        return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) ? text : undefined;
      },
      `${selector} to show ${String(pattern)}`,
      timeoutMs,
      100,
    );

  it('finds the trace of a tok_flaky_2 order by its order id and shows its failed processPayment attempts', async () => {
    const token = await tokenFor(`console-${randomUUID().slice(0, 8)}`);
    const placed = await call('POST', '/orders', { token, body: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentToken: 'tok_flaky_2' } });
    expect(placed.status).toBe(202);
    const { orderId } = placed.body;
    expect((await settled(token, orderId)).status).toBe('CONFIRMED');

    await page.type('#trace-query', orderId);
    const listed = await eventually(async () => (await page.$('#trace-list li button')) ?? undefined, `a trace listed for ${orderId}`, 10_000, 200);
    await listed.click();
    const failedAttempts = () => page.$$('#trace-detail li.hop[data-function="processPayment"][data-failed="true"]');
    // The page redraws the open trace as hops arrive: both failed deliveries and the one that succeeded.
    await eventually(async () => ((await failedAttempts()).length >= 2 ? true : undefined), 'two failed processPayment attempts in the timeline', 15_000, 200);
    expect(await page.$$('#trace-detail li.hop[data-function="processPayment"][data-failed="false"]')).not.toHaveLength(0);
    // A record reported in batchItemFailures fails its attempt, as a thrown error would.
    expect(await textOf('#trace-detail li.hop[data-function="processPayment"][data-failed="true"] summary')).toMatch(/ · (error|ok, 1 record\(s\) failed)$/);

    // Opened, a hop shows its event (the SQS record of the order) and why it failed.
    await page.click('#trace-detail li.hop[data-function="processPayment"][data-failed="true"] summary');
    const opened = await textOf('#trace-detail li.hop[data-function="processPayment"][data-failed="true"] details');
    expect(opened).toContain('event');
    expect(opened).toContain(orderId);
    expect(opened).toMatch(/batchItemFailures|errorMessage/);
    await page.screenshot({ path: '/tmp/console-trace.png', fullPage: true });
  });

  it('draws the wiring of serverless.yml and lists every queue', async () => {
    await page.waitForSelector('#wiring-drawing svg');
    const drawn = await page.$$eval('#wiring-drawing svg g.node text', (texts) => texts.map((t) => t.textContent));
    expect(drawn).toEqual(expect.arrayContaining(['queue payments', 'λ processPayment', 'queue payments-dlq', 'http POST /orders', 'λ createOrder']));
    const edges = await page.$$eval('#wiring-list li', (items) => items.map((li) => li.textContent));
    expect(edges).toContain('queue:orderflow-local-payments → queue:orderflow-local-payments-dlq (dead-letter: after 5 receives)');
    await page.waitForSelector(`#queue-rows tr[data-queue="${PAYMENTS_DLQ}"]`);
    await page.screenshot({ path: '/tmp/console-wiring.png', fullPage: true });
  });

  it('shows a poison message that reached the payments DLQ, and empties the DLQ with its Redrive button', async () => {
    // A real poison message, the shape of events/processPayment.poison.json's second record: processPayment
    // fails on it at each receive until the queue's redrive policy moves it to the DLQ.
    const tag = `poison-${randomUUID().slice(0, 8)}`;
    const row = `#queue-rows tr[data-queue="${PAYMENTS_DLQ}"]`;
    await page.waitForSelector(`${row} td[data-count="visible"]`);
    const visibleInDlq = () => page.$eval(`${row} td[data-count="visible"]`, (td) => Number(td.textContent));
    // Earlier suites may have left messages there: ours is one more.
    const before = await visibleInDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('payments'), MessageBody: `OrderPlaced ${tag} (not JSON)` }));
    // The page refreshes itself: the count is read from the page, not from SQS.
    await eventually(async () => ((await visibleInDlq()) > before ? true : undefined), 'the poison message in the page’s payments-dlq row', 40_000, 250);

    // One receive shows up to 10 messages, in no set order: ask again until ours is among them.
    await eventually(
      async () => {
        await page.click(`${row} button[aria-label="Show the messages of ${PAYMENTS_DLQ}"]`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return (await textOf('#queue-messages')).includes(tag) ? true : undefined;
      },
      `#queue-messages to show ${tag}`,
      10_000,
      100,
    );
    await page.screenshot({ path: '/tmp/console-dlq.png', fullPage: true });

    await page.click(`${row} button[aria-label="Redrive ${PAYMENTS_DLQ}"]`);
    const said = await waitForText('#status', /sent back from orderflow-local-payments-dlq to orderflow-local-payments$/);
    expect(said).toMatch(/^[1-9]\d* message\(s\) sent back/);
    // Read at once after the redrive: back in payments, it needs 5 more failed receives (2 s apart) to return.
    expect(await visibleInDlq()).toBe(0);
    expect(await textOf('#queue-messages')).toBe('');
    await page.screenshot({ path: '/tmp/console-redriven.png', fullPage: true });
  });
});
