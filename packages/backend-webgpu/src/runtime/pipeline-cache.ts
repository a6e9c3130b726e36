/**
 * Compute pipelines by program key: each kernel variant is compiled once per device. Layouts are
 * explicit (inputs read-only storage, outputs read-write storage, uniforms last) so a shader that does
 * not touch one of its bindings still matches the bind group the dispatcher makes.
 */
import type { Program } from './program.js';

const COMPUTE = 0x4; // GPUShaderStage.COMPUTE

export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly pipelineLayouts = new Map<string, GPUPipelineLayout>();

  constructor(private readonly device: GPUDevice) {}

  layout(inputs: number, outputs: number): GPUBindGroupLayout {
    const key = `${inputs}:${outputs}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < inputs + outputs; i++) {
        entries.push({
          binding: i,
          visibility: COMPUTE,
          buffer: { type: i < inputs ? 'read-only-storage' : 'storage' },
        });
      }
      entries.push({ binding: inputs + outputs, visibility: COMPUTE, buffer: { type: 'uniform' } });
      l = this.device.createBindGroupLayout({ entries, label: `layout ${key}` });
      this.layouts.set(key, l);
      this.pipelineLayouts.set(key, this.device.createPipelineLayout({ bindGroupLayouts: [l] }));
    }
    return l;
  }

  get(program: Program, inputs: number, outputs: number): GPUComputePipeline {
    const fullKey = `${program.key}|${inputs}:${outputs}`;
    let p = this.pipelines.get(fullKey);
    if (!p) {
      this.layout(inputs, outputs);
      const module = this.device.createShaderModule({ code: program.source(), label: program.key });
      p = this.device.createComputePipeline({
        layout: this.pipelineLayouts.get(`${inputs}:${outputs}`)!,
        compute: { module, entryPoint: 'main' },
        label: program.key,
      });
      this.pipelines.set(fullKey, p);
    }
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
