/** Node entry of @dendrite/onnx: ONNX files on disk. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Module } from '@dendrite/layers';
import { type ExportOptions, exportOnnx } from '../export/export-onnx.js';

export * from '../index.js';

/** Exports `module` to an .onnx file. */
export async function saveOnnx(module: Module, path: string, options: ExportOptions): Promise<void> {
  await writeFile(path, await exportOnnx(module, options));
}

/** The bytes of an .onnx file. */
export async function readOnnxFile(path: string): Promise<Uint8Array> {
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
