/**
 * Vitest global setup: builds the Node entry and its worker from the current sources into a scratch folder,
 * so that the thread tests run workers on this very code (a worker cannot load TypeScript). Tests read the
 * folder's URL with `inject('threadedBuild')`.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** file: URL of a folder holding node.js and cpu-worker.js, as dist/ does. */
    threadedBuild: string;
  }
}

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

export default async function setup(project: TestProject): Promise<() => void> {
  // One folder per process: two test runs at once must not clean each other's build.
  const outDir = fileURLToPath(
    new URL(`../node_modules/.cache/threaded-build-${process.pid}/`, import.meta.url),
  );
  await build({
    config: false,
    entry: { node: src('node.ts'), 'cpu-worker': src('node/cpu-worker.ts') },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'es2022',
    external: ['@dendrite/core'],
    dts: false,
    clean: true,
    silent: true,
  });
  project.provide('threadedBuild', pathToFileURL(outDir).href);
  return () => rmSync(outDir, { recursive: true, force: true });
}
