import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module the default entry reaches, with what it imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g),
    ].map((m) => m[1] ?? m[2]);
    graph.set(file, specifiers);
    for (const s of specifiers)
      if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return graph;
}

describe('entries', () => {
  it('the default entry is browser-safe: nothing it reaches imports node: modules, pngjs or the node/ folder', () => {
    const graph = importGraph(join(src, 'index.ts'));
    expect(graph.size).toBeGreaterThan(20);
    for (const [file, specifiers] of graph) {
      expect(file.includes('/node/'), file).toBe(false);
      for (const s of specifiers)
        expect(s.startsWith('node:') || s === 'pngjs' || s.startsWith('fs'), `${file} imports ${s}`).toBe(
          false,
        );
    }
  });

  it('the node entry exposes the file readers and loaders', async () => {
    const node = await import('../src/node/index.js');
    for (const name of [
      'digits',
      'iris',
      'fashionMnist',
      'mnist',
      'cifar10',
      'readIdx',
      'readCifar10',
      'readCsv',
      'imageFolder',
    ]) {
      expect(typeof (node as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
