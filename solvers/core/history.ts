/** @module History downsampling: keep at most `max` points, always the first and the last, evenly spaced. */
export const MAX_HISTORY = 1000;

export function downsample<T>(points: readonly T[], max = MAX_HISTORY): T[] {
  const n = points.length;
  if (n <= max) return points.slice();
  const out: T[] = [];
  let prev = -1;
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    if (i !== prev) out.push(points[i]);
    prev = i;
  }
  return out;
}

/**
 * A bounded history recorder for long runs: keeps every point until `2·max`, then halves by dropping every other
 * point (the last is always kept), so memory stays O(max) for any iteration count. `finish()` downsamples to `max`.
 */
export class HistoryRecorder<T> {
  private pts: T[] = [];
  private stride = 1;
  private count = 0;
  constructor(private readonly max = MAX_HISTORY) {}
  push(p: T): void {
    if (this.count % this.stride === 0) {
      this.pts.push(p);
      if (this.pts.length >= 2 * this.max) {
        this.pts = this.pts.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
    this.count++;
    this.last = p;
  }
  private last: T | undefined;
  finish(): T[] {
    const out = this.pts.slice();
    if (this.last !== undefined && out[out.length - 1] !== this.last) out.push(this.last);
    return downsample(out, this.max);
  }
}
