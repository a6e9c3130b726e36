/**
 * Node: the glue and the binaries of `@tensorflow/tfjs-backend-wasm` are read at run time from
 * `dist/tfjs/`, where the build copied them (see runtime/tfjs-files.ts), and the threaded build runs on
 * worker_threads. Run from source (this repository's tests), they come from the devDependency itself.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EmscriptenFactory } from '../runtime/emscripten.js';
import type { WasmFlavor } from '../runtime/instance.js';
import { HELPER_LOOP, type SpawnHelper } from '../runtime/kernel-workers.js';
import type { WasmPlatform } from '../runtime/platform.js';
import { TFJS_FILES, TFJS_WASM_VERSION, type TfjsFile } from '../runtime/tfjs-files.js';

const require = createRequire(import.meta.url);
const PKG = '@tensorflow/tfjs-backend-wasm';

const BINARY: Record<WasmFlavor, TfjsFile> = {
  plain: 'tfjs-backend-wasm.wasm',
  simd: 'tfjs-backend-wasm-simd.wasm',
  'threaded-simd': 'tfjs-backend-wasm-threaded-simd.wasm',
};

/** The path of one of tfjs-backend-wasm's files: dist/tfjs/ when built, the devDependency from source. */
function tfjsFile(name: TfjsFile): string {
  const vendored = fileURLToPath(new URL(`./tfjs/${name}`, import.meta.url));
  if (existsSync(vendored)) return vendored;
  try {
    return require.resolve(`${PKG}/${TFJS_FILES[name]}`);
  } catch {
    throw new Error(
      `@dendrite/backend-wasm: ${vendored} is missing (this copy of the package was built without the files it copies from ${PKG} ${TFJS_WASM_VERSION})`,
    );
  }
}

/**
 * The threaded build's worker script ships as a string export; Node workers need a real file. It is
 * written once per package version into the temp folder (atomically, so concurrent processes agree).
 */
function workerScriptPath(): string {
  const version = TFJS_WASM_VERSION;
  const dir = path.join(os.tmpdir(), 'dendrite-backend-wasm');
  const file = path.join(dir, `tfjs-backend-wasm-${version}-threaded-simd.worker.cjs`);
  const { wasmWorkerContents } = require(tfjsFile('tfjs-backend-wasm-threaded-simd.worker.cjs')) as {
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
  factory: async () => require(tfjsFile('tfjs-backend-wasm.cjs')) as EmscriptenFactory,
  binary: async (flavor) => readFileSync(tfjsFile(BINARY[flavor])),
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
    const glue = tfjsFile('tfjs-backend-wasm-threaded-simd.cjs');
    const worker = workerScriptPath();
    const wasm = tfjsFile(BINARY['threaded-simd']);
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
