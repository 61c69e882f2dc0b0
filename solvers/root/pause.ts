/**
 * @module Cooperative yielding for the `root` loops (specs/root.md "Progress"): long synchronous loops (walk steps,
 * batches, sampler steps) call `tick()` between units of work; it yields to the event loop with setImmediate at most
 * every `intervalMs` (so an abort from ctx.signal, timers and I/O get through) and is otherwise a clock read.
 */
export class Pause {
  private last: number;
  constructor(
    private readonly now: () => number,
    readonly intervalMs = 100,
  ) {
    this.last = now();
  }

  /** Yields to the event loop when intervalMs has passed since the last yield. */
  async tick(): Promise<void> {
    if (this.now() - this.last < this.intervalMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = this.now();
  }
}
