// The playground in headless Chromium (Debian's /usr/bin/chromium through playwright-core, the page on
// 127.0.0.1): it loads, lists every backend (an unavailable one with its reason), trains a few steps on
// each available backend in turn — switching mid-session, from the same weights — with the loss falling
// on each, and saves a screenshot of the trained decision boundary (its path is printed).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const screenshot = join(root, '..', '..', 'out', 'playground', 'playground.png');
let server: ViteDevServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await createServer({ root, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 420 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && pageErrors.push(`${r.status()} ${r.url()}`));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('trains on every available backend, switching mid-session, the loss falling on each', async () => {
  await page.goto(server.resolvedUrls!.local[0]);
  await page.waitForFunction(() => 'playground' in window || 'playgroundError' in window, null, {
    timeout: 120_000,
  });
  expect(await page.evaluate(() => (window as any).playgroundError ?? null)).toBeNull();

  const backends: { name: string; available: boolean; reason?: string }[] = await page.evaluate(
    () => (window as any).playground.backends,
  );
  const available = backends.filter((b) => b.available).map((b) => b.name);
  expect(available).toEqual(expect.arrayContaining(['wasm', 'cpu']));
  for (const b of backends.filter((b) => !b.available)) expect(b.reason, b.name).toBeTruthy();

  await page.fill('#lr', '0.5');
  await page.evaluate(() => (window as any).playground.choose('mlp 2-16-16-2 tanh', 'moons'));
  const perBackend: Record<string, number[]> = {};
  for (const name of available) {
    await page.evaluate((n) => (window as any).playground.setBackend(n), name);
    const losses: number[] = await page.evaluate(() => (window as any).playground.train(60));
    expect(await page.evaluate(() => (window as any).playground.state().backend)).toBe(name);
    expect(losses).toHaveLength(60);
    expect(losses.every(Number.isFinite), name).toBe(true);
    expect(losses.at(-1)!, `${name}: ${losses[0]} -> ${losses.at(-1)}`).toBeLessThan(losses[0]);
    perBackend[name] = losses;
  }
  const all = Object.values(perBackend).flat();
  // From ln 2 (chance) to well below it over the session.
  expect(all.at(-1)!).toBeLessThan(0.5 * all[0]);
  expect(pageErrors).toEqual([]);

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(
    `playground screenshot: ${screenshot} (losses ${all[0].toFixed(3)} -> ${all.at(-1)!.toFixed(3)} over ${available.join(' -> ')})`,
  );
});
