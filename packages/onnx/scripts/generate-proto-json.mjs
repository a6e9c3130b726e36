// Regenerates src/proto/onnx-proto.json (protobufjs' JSON descriptor) from the official onnx.proto beside
// it, so the package needs only protobufjs/light at run time (no .proto parser, nothing read from disk).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const dir = fileURLToPath(new URL('../src/proto/', import.meta.url));
const root = protobuf.parse(readFileSync(`${dir}onnx.proto`, 'utf8'), { keepCase: true }).root;
writeFileSync(`${dir}onnx-proto.json`, `${JSON.stringify(root.toJSON())}\n`);
console.log('wrote src/proto/onnx-proto.json');
