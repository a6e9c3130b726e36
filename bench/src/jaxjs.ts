/**
 * Peer adapter for jax-js (`@jax-js/jax`) on its wasm device, and its matmul and jit-compiled SGD steps.
 *
 * jax-js is imported when the peer is created, not when this file is, so that a run without the jax-js
 * peer never loads it and a broken install fails that peer only. The step builders use the loaded module.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Jax from '@jax-js/jax';
import type { ParamSpec } from './data.js';
import type { Peer, Step } from './types.js';

type JaxModule = typeof Jax;
type JaxArray = Jax.numpy.Array;

/** The device every jax-js array and jit program of the benchmark lives on. */
const DEVICE = 'wasm';

let jax: JaxModule | undefined;
let liveBuffers: LiveBufferCount | undefined;

function loaded(): JaxModule {
  if (!jax) throw new Error('jax-js is not loaded: create the jax-js peer (createJaxPeer) first');
  return jax;
}

/** The slice of jax-js's (internal) backend interface that owns device buffers, by slot number. */
interface SlotBackend {
  malloc(size: number, initialData?: Uint8Array): number;
  incRef(slot: number): void;
  decRef(slot: number): void;
}

/**
 * Live device buffers on the wasm device. jax-js 0.1.x has no public memory statistics, so this mirrors
 * the reference counts of the backend's buffer table by wrapping its `malloc`/`incRef`/`decRef`; a buffer
 * is live from `malloc` until its count reaches zero, exactly when jax-js frees it. Buffers allocated
 * before installation are not counted, which does not matter for a count that must stay flat.
 */
class LiveBufferCount {
  readonly #refs = new Map<number, number>();

  constructor(backend: SlotBackend) {
    const { malloc, incRef, decRef } = backend;
    const refs = this.#refs;
    backend.malloc = function (this: SlotBackend, size, initialData) {
      const slot = malloc.call(this, size, initialData);
      refs.set(slot, 1);
      return slot;
    };
    backend.incRef = function (this: SlotBackend, slot) {
      incRef.call(this, slot);
      const n = refs.get(slot);
      if (n !== undefined) refs.set(slot, n + 1);
    };
    backend.decRef = function (this: SlotBackend, slot) {
      decRef.call(this, slot);
      const n = refs.get(slot);
      if (n === 1) refs.delete(slot);
      else if (n !== undefined) refs.set(slot, n - 1);
    };
  }

  get size(): number {
    return this.#refs.size;
  }
}

/**
 * Runs jax-js code as it would run in a plain Node process, where jax-js's wasm device is single-threaded.
 * jax-js checks for a global `Worker` when it creates the device (on import) and when it generates each
 * kernel: with one, it starts a pool of Web Workers from a blob: URL and makes kernels import shared
 * memory. Node has no such global, but the Emscripten runtimes of Dendrite's and tfjs's wasm backends
 * install `worker_threads.Worker` as one, which cannot load that pool, so every jax-js kernel would fail.
 * The global is hidden while jax-js runs (the runner runs one peer at a time) and put back afterwards.
 */
async function withoutWorkerGlobal<T>(work: () => Promise<T>): Promise<T> {
  const worker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  if (worker) Reflect.deleteProperty(globalThis, 'Worker');
  try {
    return await work();
  } finally {
    if (worker) Object.defineProperty(globalThis, 'Worker', worker);
  }
}

/** The package's dist folder, its version, and its internal `getBackend` (not exported by the package). */
async function loadJax(): Promise<{
  module: JaxModule;
  version: string;
  getBackend: (device: string) => unknown;
}> {
  const module = await withoutWorkerGlobal(() => import('@jax-js/jax'));
  // The package's `exports` hide both package.json and the chunk that holds `getBackend`; the chunk is
  // found through the ESM entry's own import of it, so that it is the very module instance jax-js uses.
  const dist = dirname(createRequire(import.meta.url).resolve('@jax-js/jax'));
  const { version } = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const chunk = /from "\.\/(backend-[\w-]+\.js)"/.exec(readFileSync(join(dist, 'index.js'), 'utf8'))?.[1];
  const internals: Record<string, unknown> = chunk ? await import(pathToFileURL(join(dist, chunk)).href) : {};
  const getBackend = Object.values(internals).find(
    (f): f is (device: string) => unknown => typeof f === 'function' && f.name === 'getBackend',
  );
  if (!getBackend)
    throw new Error(`@jax-js/jax ${version}: cannot find its getBackend to count live buffers`);
  return { module, version, getBackend };
}

export async function createJaxPeer(): Promise<Peer> {
  const { module, version, getBackend } = await loadJax();
  const devices = await module.init(DEVICE);
  if (!devices.includes(DEVICE)) throw new Error(`jax-js device '${DEVICE}' is not available`);
  jax = module;
  liveBuffers ??= new LiveBufferCount(getBackend(DEVICE) as SlotBackend);
  module.defaultDevice(DEVICE);
  return {
    id: 'jax-js',
    library: 'jax-js',
    version: `@jax-js/jax ${version}, ${DEVICE}`,
    activate: async () => {
      module.defaultDevice(DEVICE);
    },
    liveTensors: () => liveBuffers?.size ?? 0,
  };
}

/** A copy of `values` on the wasm device (jax-js copies it into wasm memory). */
function upload(values: Float32Array, shape: readonly number[]): JaxArray {
  return loaded().numpy.array(values, { shape: [...shape], device: DEVICE });
}

/** `a @ b` for n×n matrices per `run`, read back whole as the other peers do. */
export function jaxMatmulStep(a: Float32Array, b: Float32Array, n: number): Step {
  const { jit, numpy: np } = loaded();
  const [ta, tb] = [upload(a, [n, n]), upload(b, [n, n])];
  // Under jit as a jax-js user would write it: it replays a recorded program instead of re-planning the
  // kernel each call, which is about twice as fast at N = 128 here and the same for large N.
  const matmul = jit((x: JaxArray, y: JaxArray) => np.matmul(x, y));
  return {
    // jax-js functions take ownership of their arguments: `.ref` keeps the inputs for the next run,
    // and `data()` consumes the product.
    run: () => withoutWorkerGlobal(async () => (await matmul(ta.ref, tb.ref).data())[0]),
    dispose: () => {
      ta.dispose();
      tb.dispose();
      matmul.dispose();
    },
  };
}

/** A loss of the parameters and constants (inputs, targets), written with the loaded jax-js module. */
export type JaxLoss = (jax: JaxModule, params: JaxArray[], constants: JaxArray[]) => JaxArray;

/**
 * One SGD step per `run`: value and gradients of `loss` with respect to the parameters and the update
 * `p - lr·g`, all in one `jit` program; the loss is read back. `specs` and `constants` are copied to the
 * device; everything is freed on dispose.
 */
export function jaxSgdStep(
  specs: readonly ParamSpec[],
  constants: readonly ParamSpec[],
  loss: JaxLoss,
  lr: number,
): Step {
  const module = loaded();
  const { jit, valueAndGrad } = module;
  let params = specs.map((p) => upload(p.values, p.shape));
  const consts = constants.map((c) => upload(c.values, c.shape));
  const lossOf = (ps: JaxArray[], cs: JaxArray[]) => loss(module, ps, cs);
  const step = jit((ps: JaxArray[], cs: JaxArray[]) => {
    // valueAndGrad consumes what it is given; the update needs the parameters once more.
    const [value, grads] = valueAndGrad(lossOf)(
      ps.map((p) => p.ref),
      cs,
    );
    return [value, ps.map((p, i) => p.sub(grads[i].mul(lr)))] as [JaxArray, JaxArray[]];
  });
  return {
    run: () =>
      withoutWorkerGlobal(async () => {
        // The old parameters are consumed by the step; its outputs are the new ones.
        const [value, next] = step(
          params,
          consts.map((c) => c.ref),
        );
        params = next;
        // Reading the loss submits the whole pending jit program, update included.
        return (await value.data())[0];
      }),
    dispose: () => {
      for (const a of [...params, ...consts]) a.dispose();
      step.dispose();
    },
  };
}
