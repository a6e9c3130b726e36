/**
 * Node: the glue and the binaries are resolved at run time from the installed
 * `@tensorflow/tfjs-backend-wasm` (never bundled), and the threaded build runs on worker_threads.
 * Only its `wasm-out/` Emscripten factories and `dist/*.wasm` are loaded — never its main entry, which
 * would load tfjs-core.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EmscriptenFactory } from '../runtime/emscripten.js';
import type { WasmFlavor } from '../runtime/instance.js';
import { HELPER_LOOP, type SpawnHelper } from '../runtime/kernel-workers.js';
import type { WasmPlatform } from '../runtime/platform.js';

const require = createRequire(import.meta.url);
const PKG = '@tensorflow/tfjs-backend-wasm';

const BINARY: Record<WasmFlavor, string> = {
  plain: `${PKG}/dist/tfjs-backend-wasm.wasm`,
  simd: `${PKG}/dist/tfjs-backend-wasm-simd.wasm`,
  'threaded-simd': `${PKG}/dist/tfjs-backend-wasm-threaded-simd.wasm`,
};

const THREADED_GLUE = `${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;

/**
 * The threaded build's worker script ships as a string export; Node workers need a real file. It is
 * written once per package version into the temp folder (atomically, so concurrent processes agree).
 */
function workerScriptPath(): string {
  const version = (require(`${PKG}/package.json`) as { version: string }).version;
  const dir = path.join(os.tmpdir(), 'dendrite-backend-wasm');
  const file = path.join(dir, `tfjs-backend-wasm-${version}-threaded-simd.worker.cjs`);
  const { wasmWorkerContents } = require(`${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) as {
    wasmWorkerContents: string;
  };
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  if (existsSync(file) && readFileSync(file, 'utf8') === source) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, source);
  renameSync(tmp, file);
  return file;
}

/** A helper thread for emitted kernels: a worker_threads Worker running kernel-workers.ts's loop. */
const spawnHelper: SpawnHelper = (memory, shared, base) => {
  const { port1, port2 } = new MessageChannel();
  const source = `const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { memory, shared, base, port } = workerData;
const receive = () => receiveMessageOnPort(port)?.message;
${HELPER_LOOP}`;
  const worker = new Worker(source, {
    eval: true,
    workerData: { memory, shared, base, port: port2 },
    transferList: [port2],
  });
  // A backend never holds a process open.
  worker.unref();
  port1.unref();
  return {
    send: (index, module) => port1.postMessage({ index, module }),
    terminate: () => {
      port1.close();
      void worker.terminate();
    },
  };
};

export const nodePlatform: WasmPlatform = {
  spawnHelper,
  cores: () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
  factory: async () => require(`${PKG}/wasm-out/tfjs-backend-wasm.js`) as EmscriptenFactory,
  binary: async (flavor) => readFileSync(require.resolve(BINARY[flavor])),
  threadsUnavailable: () => {
    if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
    try {
      require.resolve('node:worker_threads');
    } catch {
      return 'worker_threads is not available';
    }
    return null;
  },
  threaded: async () => {
    const glue = require.resolve(THREADED_GLUE);
    const worker = workerScriptPath();
    const wasm = require.resolve(BINARY['threaded-simd']);
    return {
      factory: require(glue) as EmscriptenFactory,
      settings: {
        mainScriptUrlOrBlob: glue,
        locateFile: (p: string, prefix: string) =>
          p.endsWith('.worker.js') ? worker : p.endsWith('.wasm') ? wasm : prefix + p,
      },
    };
  },
};
