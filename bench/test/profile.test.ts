import type { Backend } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { categoryOf, KernelProfile, profiledBackend, summarise } from '../src/profile.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: a synchronous kernel's work
  }
}

describe('profile', () => {
  it('sorts kernels into GEMM/conv, other kernels and storage', () => {
    expect(categoryOf('fusedMatmul')).toBe('gemm/conv');
    expect(categoryOf('conv2dBackpropFilter')).toBe('gemm/conv');
    expect(categoryOf('unary')).toBe('other kernels');
    expect(categoryOf('upload')).toBe('storage');
  });

  it('times each call on the real backend and keeps absent methods absent', () => {
    const calls: string[] = [];
    const fake = {
      matmul(this: unknown) {
        calls.push(this === fake ? 'matmul on the backend itself' : 'matmul on the proxy');
        busy(2);
        return 1;
      },
      unary() {
        busy(1);
        return 2;
      },
    } as unknown as Backend;
    const profile = new KernelProfile();
    const wrapped = profiledBackend(fake, profile) as unknown as Record<string, (() => number) | undefined>;
    expect(wrapped.matmul!()).toBe(1);
    expect(wrapped.unary!()).toBe(2);
    expect(wrapped.fusedMatmul).toBeUndefined();
    expect(calls).toEqual(['matmul on the backend itself']);
    const s = summarise(profile, 1, 10);
    expect(s.byCategory['gemm/conv']).toBeGreaterThanOrEqual(2);
    expect(s.byCategory['other kernels']).toBeGreaterThanOrEqual(1);
    expect(s.byCategory.framework).toBeLessThanOrEqual(7);
    expect(s.kernelCallsPerStep).toBe(2);
    // Each kernel's time is at least its spin (a loaded machine may stretch either, so no order).
    expect(s.top.map((t) => t.kernel).sort()).toEqual(['matmul', 'unary']);
    expect(s.top.find((t) => t.kernel === 'matmul')!.ms).toBeGreaterThanOrEqual(2);
  });

  it('counts a throwing kernel too', () => {
    const fake = {
      matmul() {
        throw new Error('bad shapes');
      },
    } as unknown as Backend;
    const profile = new KernelProfile();
    const wrapped = profiledBackend(fake, profile) as unknown as { matmul(): void };
    expect(() => wrapped.matmul()).toThrow('bad shapes');
    expect(profile.kernels.get('matmul')?.calls).toBe(1);
  });
});
