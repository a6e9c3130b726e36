/**
 * The page: controls, the training loop and the drawings. The loop trains a few steps per frame, redraws
 * the loss curve every frame and the boundary (or digit samples) and activation maps every few frames.
 * `window.playground` exposes the same actions to scripts (the browser test drives the page through it
 * and through the controls).
 */

import * as d from '@dendrite/core';
import {
  type Availability,
  BACKEND_LABELS,
  BACKENDS,
  type BackendName,
  probeBackends,
  registerBackends,
} from './backends.js';
import { DATASETS, type DatasetName, type HostSet, isImageSet, loadDataset } from './datasets.js';
import { digitAt, drawActivations, drawBoundary, drawDigits, drawLoss, gridPoints } from './draw.js';
import { ARCHITECTURES, type ArchitectureName } from './models.js';
import { argmax, Session } from './session.js';

const GRID = 48;
const SAMPLES = 24;
const STEPS_PER_FRAME = 5;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const datasetSelect = $<HTMLSelectElement>('dataset');
const modelSelect = $<HTMLSelectElement>('model');
const layerSelect = $<HTMLSelectElement>('layer');
const lrInput = $<HTMLInputElement>('lr');
const trainButton = $<HTMLButtonElement>('train');
const status = $<HTMLDivElement>('status');
const view = $<HTMLCanvasElement>('view');
const lossCanvas = $<HTMLCanvasElement>('loss');
const activationCanvas = $<HTMLCanvasElement>('activations');

let availability: Availability[] = [];
let session: Session | undefined;
let set: HostSet | undefined;
let running = false;
/** Serialises everything that touches the session (training, switching, rebuilding). */
let queue: Promise<unknown> = Promise.resolve();
let message = '';
/** The held-out digit whose activations are shown (click a digit to pick another). */
let selectedDigit = 0;

function exclusive<T>(job: () => Promise<T>): Promise<T> {
  const next = queue.then(job);
  queue = next.catch(() => undefined);
  return next;
}

function setMessage(text: string): void {
  message = text;
  updateStatus();
}

function updateStatus(): void {
  const s = session;
  const lines = [
    s
      ? `backend: ${BACKEND_LABELS[s.backend]} — ${availability.find((a) => a.name === s.backend)?.detail ?? ''}`
      : '',
    s
      ? `step ${s.step}${s.losses.length ? `, loss ${s.losses[s.losses.length - 1].loss.toFixed(4)}` : ''}`
      : '',
    message,
  ];
  status.textContent = lines.filter(Boolean).join('\n');
}

function fillSelect(select: HTMLSelectElement, options: [string, string][], keep?: string): void {
  select.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
  if (keep && options.some(([v]) => v === keep)) select.value = keep;
}

function currentBackend(): BackendName {
  const checked = document.querySelector<HTMLInputElement>('input[name=backend]:checked');
  return (checked?.value ?? 'cpu') as BackendName;
}

function buildBackendChoices(): void {
  const box = $<HTMLFieldSetElement>('backends');
  for (const a of availability) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'backend';
    input.value = a.name;
    input.id = `backend-${a.name}`;
    input.disabled = !a.ok;
    input.addEventListener('change', () => void switchBackend(a.name));
    const note = document.createElement('span');
    note.className = a.ok ? 'how' : 'why';
    note.textContent = a.ok ? a.detail : `unavailable: ${a.detail}`;
    label.append(input, ` ${BACKEND_LABELS[a.name]}`, note);
    box.append(label);
  }
  const best = availability.find((a) => a.ok);
  if (best) $<HTMLInputElement>(`backend-${best.name}`).checked = true;
}

async function render(): Promise<void> {
  const s = session;
  if (!s || !set) return;
  drawLoss(lossCanvas, s.losses);
  const layer = layerSelect.value || undefined;
  if (!isImageSet(set.name)) {
    const { probs, activations } = await s.predict(gridPoints(set, GRID), GRID * GRID, layer);
    drawBoundary(view, set, probs, GRID);
    if (activations) drawActivations(activationCanvas, activations, { grid: GRID });
  } else {
    const n = Math.min(SAMPLES, set.test.n);
    const x = set.test.x.subarray(0, n * 64);
    const { probs, activations } = await s.predict(x, n, layer);
    const predicted = Array.from({ length: n }, (_, i) => argmax(probs.subarray(i * 10, (i + 1) * 10)));
    drawDigits(view, x, set.test.y, predicted, selectedDigit);
    if (activations) drawActivations(activationCanvas, activations, { sample: selectedDigit });
  }
  updateStatus();
}

/** A new session for the chosen data set and architecture on the chosen backend. */
function rebuild(): Promise<void> {
  return exclusive(async () => {
    const name = datasetSelect.value as DatasetName;
    const arch = ARCHITECTURES[modelSelect.value as ArchitectureName];
    set = await loadDataset(name);
    session?.dispose();
    session = await Session.create(set, arch, currentBackend(), Number(lrInput.value));
    fillSelect(
      layerSelect,
      session.layerNames().map((n) => [n, n]),
      layerSelect.value,
    );
    if (!layerSelect.value) layerSelect.value = session.layerNames()[0];
    $<HTMLHeadingElement>('view-title').textContent = isImageSet(name)
      ? 'Held-out digits, predicted class (click one: its activations)'
      : 'Decision boundary (probability of the red class)';
    setMessage(`${DATASETS[name]}, ${arch.label}: ${set.n} training samples`);
    await render();
  });
}

function modelsFor(name: DatasetName): [string, string][] {
  const kind = isImageSet(name) ? 'digits' : 'points';
  return Object.entries(ARCHITECTURES)
    .filter(([, a]) => a.input === kind)
    .map(([k, a]) => [k, a.label]);
}

function onDatasetChange(): Promise<void> {
  const name = datasetSelect.value as DatasetName;
  fillSelect(modelSelect, modelsFor(name), modelSelect.value);
  lrInput.value = isImageSet(name) ? '0.01' : '0.03';
  return rebuild();
}

/** Trains `n` steps (drawing every few), returning their losses. */
function trainSteps(n: number): Promise<number[]> {
  return exclusive(async () => {
    const out: number[] = [];
    while (out.length < n) {
      out.push(...(await session!.train(Math.min(STEPS_PER_FRAME, n - out.length))));
      drawLoss(lossCanvas, session!.losses);
      updateStatus();
      if (session!.step % 20 === 0) await render();
      await new Promise(requestAnimationFrame);
    }
    await render();
    return out;
  });
}

async function loop(): Promise<void> {
  while (running) {
    try {
      await trainSteps(STEPS_PER_FRAME * 4);
    } catch (e) {
      running = false;
      setMessage(`training stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  trainButton.textContent = 'Train';
}

function switchBackend(name: BackendName): Promise<void> {
  return exclusive(async () => {
    if (!session || session.backend === name) return;
    const from = session.backend;
    try {
      await session.switchBackend(name);
      setMessage(
        `switched ${BACKEND_LABELS[from]} → ${BACKEND_LABELS[name]} at step ${session.step}; weights and Adam state carried over`,
      );
    } catch (e) {
      $<HTMLInputElement>(`backend-${from}`).checked = true;
      setMessage(
        `could not switch to ${BACKEND_LABELS[name]}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    await render();
  });
}

async function start(): Promise<void> {
  registerBackends();
  availability = await probeBackends();
  buildBackendChoices();
  fillSelect(datasetSelect, Object.entries(DATASETS));
  datasetSelect.value = 'spirals';
  fillSelect(modelSelect, modelsFor('spirals'));
  modelSelect.value = 'mlp-16-16';
  datasetSelect.addEventListener('change', () => void onDatasetChange());
  modelSelect.addEventListener('change', () => void rebuild());
  layerSelect.addEventListener('change', () => void exclusive(render));
  lrInput.addEventListener('change', () => {
    if (session) session.lr = Number(lrInput.value);
  });
  trainButton.addEventListener('click', () => {
    running = !running;
    trainButton.textContent = running ? 'Pause' : 'Train';
    if (running) void loop();
  });
  $<HTMLButtonElement>('step').addEventListener('click', () => void trainSteps(10));
  $<HTMLButtonElement>('reset').addEventListener('click', () => void rebuild());
  view.addEventListener('click', (e) => {
    if (!set || !isImageSet(set.name)) return;
    const box = view.getBoundingClientRect();
    const k = digitAt(view, e.clientX - box.left, e.clientY - box.top, Math.min(SAMPLES, set.test.n));
    if (k < 0) return;
    selectedDigit = k;
    void exclusive(render);
  });
  await rebuild();
}

/** For scripts and the browser test. */
const api = {
  ready: start(),
  availability: () => availability,
  backends: BACKENDS,
  /** Picks a data set and architecture through the controls and waits for the new session. */
  async choose(dataset: DatasetName, model: ArchitectureName): Promise<void> {
    datasetSelect.value = dataset;
    await onDatasetChange();
    modelSelect.value = model;
    await rebuild();
  },
  train: trainSteps,
  /** Waits until queued work (a backend switch started from the controls) is done. */
  idle: () => exclusive(async () => undefined),
  evaluate: () => exclusive(() => session!.evaluate()),
  /** Where the session is, and core's memory report (live tensors; bytes and buffers per backend). */
  state: () => ({
    backend: session?.backend,
    step: session?.step,
    message,
    losses: session?.losses.length,
    selectedDigit,
    memory: d.memory(),
  }),
};
(window as unknown as { playground: typeof api }).playground = api;
api.ready.catch((e) => setMessage(`failed to start: ${e instanceof Error ? e.message : String(e)}`));
