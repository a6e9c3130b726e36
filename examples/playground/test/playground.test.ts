// The playground in headless Chromium: Debian's /usr/bin/chromium through playwright-core, the page built
// by Vite and served by `vite preview` on 127.0.0.1. On every backend the page offers, the test switches
// to it with the page's own radio button (the weights and Adam state carried over: the loss right after
// the switch equals the loss right before it), trains, and checks that the loss falls; then it trains on
// to a decision boundary, saves a screenshot (out/playground.png, path printed), and trains the small
// CNN on the digits for a few steps (out/playground-digits.png). Skipped, saying why, without Chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const SWIFTSHADER = '/usr/lib/chromium/libvk_swiftshader.so';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'out');

let server: PreviewServer | undefined;
let browser: BrowserContext | undefined;
const temp: string[] = [];
afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

interface Availability {
  name: string;
  ok: boolean;
  detail: string;
}
type Api = {
  ready: Promise<void>;
  availability(): Availability[];
  choose(dataset: string, model: string): Promise<void>;
  train(n: number): Promise<number[]>;
  idle(): Promise<void>;
  evaluate(): Promise<{ loss: number; accuracy: number }>;
  state(): {
    backend: string;
    step: number;
    message: string;
    selectedDigit: number;
    memory: { tensors: number; backends: Record<string, { bytes: number; buffers: number }> };
  };
};
const api = (page: Page) => ({
  call: <T>(fn: (p: Api, arg: unknown) => Promise<T> | T, arg?: unknown) =>
    page.evaluate(
      ([body, a]) =>
        new Function('p', 'a', `return (${body})(p, a)`)(
          (window as never as { playground: Api }).playground,
          a,
        ),
      [fn.toString(), arg] as const,
    ) as Promise<T>,
});

async function serve(): Promise<string> {
  const dist = mkdtempSync(join(tmpdir(), 'dendrite-playground-'));
  temp.push(dist);
  await build({ root, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir: dist },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no local URL');
  return url;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the playground in headless Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    `trains on every backend it offers, carries the weights across switches, draws a boundary (needs ${CHROMIUM}: apt-get install chromium)`,
    async () => {
      const url = await serve();
      const profile = mkdtempSync(join(tmpdir(), 'dendrite-chromium-'));
      temp.push(profile);
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1240, height: 760 },
        args: [...FLAGS, '--enable-unsafe-webgpu'],
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(url);
      const p = api(page);
      await p.call((pg) => pg.ready);

      const availability = await p.call((pg) => pg.availability());
      for (const a of availability)
        console.log(`playground backend ${a.name}: ${a.ok ? 'available' : 'UNAVAILABLE'} — ${a.detail}`);
      const offered = availability.filter((a) => a.ok).map((a) => a.name);
      // WebAssembly and the CPU run in every Chromium. Debian's Chromium ships SwiftShader, which gives
      // WebGPU a (software) adapter under --enable-unsafe-webgpu: there WebGPU must be offered too.
      expect(offered).toContain('wasm');
      expect(offered).toContain('cpu');
      if (existsSync(SWIFTSHADER)) expect(offered, JSON.stringify(availability)).toContain('webgpu');
      else console.log(`playground: WebGPU not required (no ${SWIFTSHADER} in this Chromium)`);
      for (const a of availability.filter((x) => !x.ok)) {
        expect(await page.locator(`#backend-${a.name}`).isDisabled()).toBe(true);
      }

      await p.call((pg) => pg.choose('spirals', 'mlp-16-16'));
      // Start on the slowest-to-differ order: the page's default first, then each of the others.
      const first = (await p.call((pg) => pg.state())).backend;
      const order = [first, ...offered.filter((b) => b !== first)];
      const report: string[] = [];
      let previous: Awaited<ReturnType<Api['state']>> | undefined;
      let parameters: number | undefined;
      for (const backend of order) {
        let before: number | undefined;
        if (backend !== first) {
          before = (await p.call((pg) => pg.evaluate())).loss;
          await page.locator(`#backend-${backend}`).check();
          await p.call((pg) => pg.idle());
        }
        const state = await p.call((pg) => pg.state());
        expect(state.backend, state.message).toBe(backend);
        if (previous !== undefined) {
          // The switch freed the old backend's copies: as many live tensors as before, none left there.
          expect(state.memory.tensors).toBe(previous.memory.tensors);
          expect(state.memory.backends[previous.backend].buffers).toBe(0);
        }
        const start = (await p.call((pg) => pg.evaluate())).loss;
        if (before !== undefined) expect(Math.abs(start - before)).toBeLessThan(1e-4 * Math.max(1, before));
        const losses = await p.call((pg, n) => pg.train(n as number), 60);
        expect(losses).toHaveLength(60);
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
        const end = (await p.call((pg) => pg.evaluate())).loss;
        expect(end).toBeLessThan(start);
        // Training and drawing leave nothing behind: the parameters (all that lived before the first step)
        // and Adam's two moments per parameter.
        previous = await p.call((pg) => pg.state());
        parameters ??= state.memory.tensors;
        expect(previous.memory.tensors).toBe(3 * parameters);
        report.push(`${backend}: loss ${start.toFixed(4)} → ${end.toFixed(4)}`);
      }
      // On to a boundary worth looking at (on the fastest backend, wasm).
      if ((await p.call((pg) => pg.state())).backend !== 'wasm') {
        await page.locator('#backend-wasm').check();
        await p.call((pg) => pg.idle());
      }
      await p.call((pg, n) => pg.train(n as number), 600);
      const trained = await p.call((pg) => pg.evaluate());
      report.push(
        `spirals after ${(await p.call((pg) => pg.state())).step} steps: loss ${trained.loss.toFixed(4)}, accuracy ${trained.accuracy.toFixed(3)}`,
      );
      expect(trained.accuracy).toBeGreaterThan(0.95);
      mkdirSync(outDir, { recursive: true });
      const shot = join(outDir, 'playground.png');
      await page.screenshot({ path: shot, fullPage: true });

      // The digits and the small CNN: a few steps, feature maps of conv1.
      await p.call((pg) => pg.choose('digits', 'digits-cnn'));
      const digitLosses = await p.call((pg, n) => pg.train(n as number), 40);
      expect(mean(digitLosses.slice(-8))).toBeLessThan(mean(digitLosses.slice(0, 8)));
      report.push(
        `digits CNN on ${(await p.call((pg) => pg.state())).backend}: loss ${digitLosses[0].toFixed(3)} → ${digitLosses[39].toFixed(3)} in 40 steps`,
      );
      // Clicking a digit (row 2, column 2: the eighth) shows that digit's feature maps instead.
      const maps = () =>
        page.evaluate(() => (document.getElementById('activations') as HTMLCanvasElement).toDataURL());
      const mapsOfFirst = await maps();
      const cell = 320 / 6;
      await page.locator('#view').click({ position: { x: 1.5 * cell, y: 1.5 * cell } });
      await p.call((pg) => pg.idle());
      expect((await p.call((pg) => pg.state())).selectedDigit).toBe(7);
      expect(await maps()).not.toBe(mapsOfFirst);
      const digitsShot = join(outDir, 'playground-digits.png');
      await page.screenshot({ path: digitsShot, fullPage: true });

      expect(errors).toEqual([]);
      console.log(`playground: ${report.join('; ')}\nplayground screenshots: ${shot} ${digitsShot}`);
    },
    120_000,
  );

  it.skipIf(!existsSync(CHROMIUM))(
    `without WebGPU the option is disabled and says why, and training runs on the next backend (needs ${CHROMIUM})`,
    async () => {
      const url = server?.resolvedUrls?.local[0] ?? (await serve());
      const profile = mkdtempSync(join(tmpdir(), 'dendrite-chromium-'));
      temp.push(profile);
      // Without --enable-unsafe-webgpu, Chromium on Linux exposes navigator.gpu but gives no adapter.
      const plain = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
      });
      try {
        const page = await plain.newPage();
        await page.goto(url);
        const p = api(page);
        await p.call((pg) => pg.ready);
        const webgpu = (await p.call((pg) => pg.availability())).find((a) => a.name === 'webgpu')!;
        expect(webgpu.ok).toBe(false);
        expect(webgpu.detail.length).toBeGreaterThan(10);
        expect(await page.locator('#backend-webgpu').isDisabled()).toBe(true);
        const shown = await page.locator('#backends').textContent();
        expect(shown).toContain(`unavailable: ${webgpu.detail}`);
        expect((await p.call((pg) => pg.state())).backend).toBe('wasm');
        const losses = await p.call((pg, n) => pg.train(n as number), 20);
        expect(losses[19]).toBeLessThan(losses[0]);
        // While the Train button's loop runs, switch to the CPU with the radio button: training goes on.
        await page.locator('#train').click();
        await page.waitForFunction(
          () => (window as never as { playground: Api }).playground.state().step >= 60,
        );
        await page.locator('#backend-cpu').check();
        await page.waitForFunction(() => {
          const s = (window as never as { playground: Api }).playground.state();
          return s.backend === 'cpu' && s.step >= 140;
        });
        await page.locator('#train').click();
        await p.call((pg) => pg.idle());
        const after = await p.call((pg) => pg.state());
        expect(after.message).toMatch(
          /^switched WebAssembly → CPU \(TypeScript\) at step \d+; weights and Adam state carried over$/,
        );
        expect((await p.call((pg) => pg.evaluate())).loss).toBeLessThan(losses[19]);
        expect(await page.locator('#train').textContent()).toBe('Train');
        console.log(`playground without --enable-unsafe-webgpu: WebGPU disabled — ${webgpu.detail}`);
      } finally {
        await plain.close();
      }
    },
    60_000,
  );
});
