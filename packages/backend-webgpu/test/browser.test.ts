// The browser build on navigator.gpu: headless Chromium (Debian's /usr/bin/chromium through
// playwright-core, --enable-unsafe-webgpu, a page served on 127.0.0.1) runs the conformance suite's
// built-in groups and the PyTorch fixtures, and three SGD steps of a small CNN whose losses must match
// backend-cpu's within 1e-4 relative (test/browser/page.ts). Skipped, saying why, without Chromium.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { relErrors } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const torchFixtures = fileURLToPath(new URL('../../conformance/dist/fixtures/torch/', import.meta.url));

let server: Server | undefined;
let profile: string | undefined;
afterAll(() => {
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function serve(): Promise<string> {
  const bundle = await build({
    entryPoints: [join(here, 'browser/page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0].text;
  const files = readdirSync(torchFixtures).filter((f) => f.endsWith('.json'));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/')
      send('text/html', '<!doctype html><script type="module" src="/page.js"></script>');
    else if (url.pathname === '/page.js') send('text/javascript', js);
    else if (url.pathname === '/fixtures/torch/index.json') send('application/json', JSON.stringify(files));
    else if (url.pathname.startsWith('/fixtures/torch/') && files.includes(url.pathname.slice(16)))
      send('application/json', readFileSync(join(torchFixtures, url.pathname.slice(16))));
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
}

describe('in headless Chromium on navigator.gpu', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    `the suite's core groups pass and a small CNN trains as on backend-cpu (needs ${CHROMIUM}: apt-get install chromium)`,
    async () => {
      const url = await serve();
      profile = mkdtempSync(join(tmpdir(), 'dendrite-chromium-'));
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--enable-unsafe-webgpu',
          '--no-sandbox',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(url);
        await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, {
          timeout: 280_000,
          polling: 500,
        });
        const result = (await page.evaluate(() => (window as { __result?: unknown }).__result)) as {
          error?: string;
          adapter: Record<string, unknown>;
          totals: { pass: number; fail: number; xpass: number };
          failures: string[];
          gpuLosses: number[];
          cpuLosses: number[];
        };
        expect(errors).toEqual([]);
        expect(result.error).toBeUndefined();
        expect(result.failures).toEqual([]);
        expect(result.totals.pass).toBeGreaterThan(300);
        expect(relErrors(result.gpuLosses, result.cpuLosses, 1e-4)).toEqual([]);
        expect(result.gpuLosses[2]).not.toBe(result.gpuLosses[0]);
        console.log(
          `chromium webgpu: ${result.totals.pass} cases passed on ${String(result.adapter.vendor)} ${String(result.adapter.architecture)}; losses ${result.gpuLosses.join(', ')}`,
        );
      } finally {
        await browser.close();
      }
    },
    300_000,
  );
});
