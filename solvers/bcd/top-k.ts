/**
 * @module Top-k selection in O(n log k) with a bounded min-heap, ranking by (score descending, index ascending) —
 * the deterministic tie rule of specs/bcd.md Decision 7. Used by dense greedy paths and IHT thresholding.
 */

/** Writes the k best indices among scores[0..n) (score > −∞ only) into out, best first; returns the count. */
export function topK(scores: Float64Array, n: number, k: number, out: Int32Array, heap: Int32Array): number {
  // heap[0] is the worst kept item: "worse" = lower score, or equal score and higher index.
  let size = 0;
  const worse = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < size && worse(heap[l], heap[w])) w = l;
      if (r < size && worse(heap[r], heap[w])) w = r;
      if (w === i) return;
      const t = heap[i];
      heap[i] = heap[w];
      heap[w] = t;
      i = w;
    }
  };
  for (let i = 0; i < n; i++) {
    if (scores[i] === Number.NEGATIVE_INFINITY) continue;
    if (size < k) {
      let c = size++;
      heap[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (worse(heap[c], heap[p])) {
          const t = heap[c];
          heap[c] = heap[p];
          heap[p] = t;
          c = p;
        } else break;
      }
    } else if (k > 0 && worse(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  // Pop into out from the back (worst first).
  const cnt = size;
  for (let t = cnt - 1; t >= 0; t--) {
    out[t] = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
  }
  return cnt;
}
