/**
 * The playground page: controls, the session, the drawing, and `window.playground` (what the browser
 * test drives: the same calls the buttons make).
 */
import * as d from '@dendrite/core';
import { type BackendChoice, setUpBackends } from './backends.js';
import { DATASETS, type DatasetName } from './data.js';
import { activationColour, classColour, drawField, drawLoss, drawPoints } from './draw.js';
import { ARCHITECTURES, type ArchitectureName } from './models.js';
import { GRID, Session } from './session.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');

function fill(select: HTMLSelectElement, names: readonly string[]) {
  select.replaceChildren(...names.map((n) => new Option(n, n)));
}

async function render(session: Session) {
  drawLoss($('loss'), session.losses, session.switches);
  const boundary = $<HTMLCanvasElement>('boundary');
  drawField(boundary, await session.boundary(), GRID, classColour);
  drawPoints(boundary, session.points);
  const maps = await session.activationMaps();
  $('maps').replaceChildren(
    ...maps.map((m) => {
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 64;
      drawField(c, m, GRID, activationColour);
      return c;
    }),
  );
  const last = session.losses.at(-1);
  status.textContent = `backend ${d.currentBackendName()} · step ${session.losses.length}${last === undefined ? '' : ` · loss ${last.toFixed(4)}`} · tensors alive ${d.memory().tensors}`;
}

async function main() {
  const backends: BackendChoice[] = await setUpBackends();
  const architecture = $<HTMLSelectElement>('architecture');
  const dataset = $<HTMLSelectElement>('dataset');
  const backend = $<HTMLSelectElement>('backend');
  fill(architecture, Object.keys(ARCHITECTURES));
  fill(dataset, Object.keys(DATASETS));
  backend.replaceChildren(
    ...backends.map((b) => {
      const o = new Option(b.available ? b.name : `${b.name} (unavailable)`, b.name);
      o.disabled = !b.available;
      o.title = b.reason ?? '';
      return o;
    }),
  );
  const first = backends.find((b) => b.available)!;
  backend.value = first.name;
  await d.setBackend(first.name);

  const session = new Session(architecture.value as ArchitectureName, dataset.value as DatasetName);
  session.reset();
  const lr = () => Number($<HTMLInputElement>('lr').value);

  const api = {
    backends,
    async setBackend(name: string) {
      await session.switchBackend(name);
      backend.value = name;
      await render(session);
    },
    async train(steps: number) {
      const losses = await session.train(steps, lr());
      await render(session);
      return losses;
    },
    async choose(arch: ArchitectureName, data: DatasetName) {
      architecture.value = arch;
      dataset.value = data;
      session.architecture = arch;
      session.dataset = data;
      session.reset();
      await render(session);
    },
    state: () => ({ backend: d.currentBackendName(), steps: session.losses.length, losses: session.losses }),
  };
  const reset = () => void api.choose(architecture.value as ArchitectureName, dataset.value as DatasetName);
  $('train').onclick = () => void api.train(50);
  $('reset').onclick = reset;
  architecture.onchange = reset;
  dataset.onchange = reset;
  backend.onchange = () => void api.setBackend(backend.value);
  await render(session);
  (window as unknown as { playground: typeof api }).playground = api;
}

main().catch((e) => {
  status.textContent = `failed: ${e instanceof Error ? e.stack : String(e)}`;
  (window as unknown as { playgroundError: string }).playgroundError = String(e);
});
