/**
 * One training session: a model, a data set and the current backend. Switching backend mid-session
 * copies every parameter to the new backend (`tensor.to`) and carries on from the same weights.
 */
import * as d from '@dendrite/core';
import { crossEntropy, type Sequential, valueAndGradOfModule } from '@dendrite/layers';
import { type DatasetName, loadPoints, type Points } from './data.js';
import { ARCHITECTURES, type ArchitectureName } from './models.js';

export const GRID = 40;

export class Session {
  model!: Sequential;
  points!: Points;
  losses: number[] = [];
  switches: { step: number; name: string }[] = [];
  private x?: d.Tensor;
  private y?: d.Tensor;
  private gridX?: d.Tensor;

  constructor(
    public architecture: ArchitectureName,
    public dataset: DatasetName,
  ) {}

  /** A fresh model (seeded, so a reset gives the same start) and data on the current backend. */
  reset(): void {
    this.model?.dispose();
    d.dispose([this.x, this.y, this.gridX].filter((t): t is d.Tensor => !!t));
    d.setSeed(7);
    this.model = ARCHITECTURES[this.architecture]();
    this.points = loadPoints(this.dataset);
    this.uploadData();
    this.losses = [];
    this.switches = [{ step: 0, name: d.currentBackendName() ?? '?' }];
  }

  private uploadData(): void {
    this.x = d.tensor(this.points.x, [this.points.n, 2]);
    this.y = d.tensor(this.points.y, [this.points.n], 'int32');
    const { x0, x1, y0, y1 } = this.points.bounds;
    const grid = new Float32Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        grid[(r * GRID + c) * 2] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
        grid[(r * GRID + c) * 2 + 1] = y0 + ((r + 0.5) / GRID) * (y1 - y0);
      }
    }
    this.gridX = d.tensor(grid, [GRID * GRID, 2]);
  }

  /** Moves the model's weights and the data to `name` and makes it current. */
  async switchBackend(name: string): Promise<void> {
    if (d.currentBackendName() === name) return;
    const moved: Record<string, d.Tensor> = {};
    for (const [key, t] of Object.entries(this.model.stateDict())) moved[key] = await t.to(name);
    this.model.loadStateDict(moved);
    d.dispose(moved);
    d.dispose([this.x!, this.y!, this.gridX!]);
    await d.setBackend(name);
    this.uploadData();
    this.switches.push({ step: this.losses.length, name });
  }

  /** `steps` full-batch SGD steps; returns their losses. */
  async train(steps: number, lr: number): Promise<number[]> {
    const out: number[] = [];
    for (let s = 0; s < steps; s++) {
      const { value, grads, parameters } = valueAndGradOfModule(this.model, () =>
        crossEntropy(this.model.forward(this.x!), this.y!),
      );
      d.tidy(() =>
        parameters.forEach((p, i) => {
          p.value = d.optimizerUpdate('sgd', p.value, grads[i], [], { lr }).param;
        }),
      );
      out.push(await value.item());
      d.dispose([value, grads]);
    }
    this.losses.push(...out);
    return out;
  }

  /** P(class 1) over the plane, [GRID * GRID]. */
  async boundary(): Promise<Float32Array> {
    const p = d.noGrad(() => d.tidy(() => d.softmax(this.model.forward(this.gridX!))));
    const both = (await p.data()) as Float32Array;
    p.dispose();
    return Float32Array.from({ length: GRID * GRID }, (_, i) => both[2 * i + 1]);
  }

  /** The first layer's units over the plane, each scaled to [0, 1]: [units][GRID * GRID]. */
  async activationMaps(): Promise<Float32Array[]> {
    const [, first] = this.model.children()[0];
    const a = d.noGrad(() => first.forward(this.gridX!));
    const [, units] = a.shape;
    const all = (await a.data()) as Float32Array;
    a.dispose();
    const maps: Float32Array[] = [];
    for (let u = 0; u < Math.min(units, 16); u++) {
      const m = new Float32Array(GRID * GRID);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < m.length; i++) {
        m[i] = all[i * units + u];
        lo = Math.min(lo, m[i]);
        hi = Math.max(hi, m[i]);
      }
      for (let i = 0; i < m.length; i++) m[i] = hi > lo ? (m[i] - lo) / (hi - lo) : 0;
      maps.push(m);
    }
    return maps;
  }
}
