/**
 * @module Image data of the denoising kinds (specs/bilevel.md §4.2): seeded synthetic piecewise-constant images
 * (K grey levels, rectangles and discs; FoE adds two oriented sinusoids and clips to [0,1]) with additive
 * Gaussian noise from ctx.rng, inline image pairs, and PSNR (clip to [0,1], peak 1; per image and batch).
 */
import type { Rng } from '../../core/rng.js';
import type { ImageBatch } from './tv.js';

export function syntheticImages(count: number, h: number, w: number, noise: number, rng: Rng, sinusoids: boolean): ImageBatch {
  const hw = h * w;
  const clean = new Float64Array(count * hw);
  const noisy = new Float64Array(count * hw);
  for (let m = 0; m < count; m++) {
    const img = clean.subarray(m * hw, (m + 1) * hw);
    const K = 3 + Math.floor(4 * rng.next());
    const levels = new Float64Array(K);
    for (let i = 0; i < K; i++) levels[i] = rng.next();
    img.fill(levels[0]);
    const shapes = 4 + Math.floor(5 * rng.next());
    for (let s = 0; s < shapes; s++) {
      const level = levels[Math.floor(rng.next() * K)];
      if (rng.next() < 0.5) {
        const r0 = Math.floor(rng.next() * h);
        const r1 = r0 + 1 + Math.floor(rng.next() * (h - r0));
        const c0 = Math.floor(rng.next() * w);
        const c1 = c0 + 1 + Math.floor(rng.next() * (w - c0));
        for (let r = r0; r < Math.min(r1, h); r++) for (let c = c0; c < Math.min(c1, w); c++) img[r * w + c] = level;
      } else {
        const cr = rng.next() * h;
        const cc = rng.next() * w;
        const rad = (0.1 + 0.2 * rng.next()) * Math.min(h, w);
        for (let r = 0; r < h; r++) {
          for (let c = 0; c < w; c++) if ((r - cr) ** 2 + (c - cc) ** 2 <= rad * rad) img[r * w + c] = level;
        }
      }
    }
    if (sinusoids) {
      const size = Math.max(h, w);
      for (let s = 0; s < 2; s++) {
        const f = 2 + 6 * rng.next();
        const phi = Math.PI * rng.next();
        const ph0 = 2 * Math.PI * rng.next();
        const cf = Math.cos(phi);
        const sf = Math.sin(phi);
        for (let r = 0; r < h; r++) {
          for (let c = 0; c < w; c++) img[r * w + c] += 0.1 * Math.sin((2 * Math.PI * f * (r * cf + c * sf)) / size + ph0);
        }
      }
      for (let i = 0; i < hw; i++) img[i] = Math.min(1, Math.max(0, img[i]));
    }
  }
  for (let i = 0; i < count * hw; i++) noisy[i] = clean[i] + noise * rng.normal();
  return { count, h, w, clean, noisy };
}

export function inlineImages(images: { clean: { shape: number[]; data: number[] }; noisy: { shape: number[]; data: number[] } }[]): ImageBatch {
  const s = images[0].clean.shape;
  const h = s.length === 2 ? s[0] : 1;
  const w = s.length === 2 ? s[1] : s[0];
  const hw = h * w;
  const clean = new Float64Array(images.length * hw);
  const noisy = new Float64Array(images.length * hw);
  images.forEach((im, i) => {
    clean.set(im.clean.data, i * hw);
    noisy.set(im.noisy.data, i * hw);
  });
  return { count: images.length, h, w, clean, noisy };
}

/** PSNR in dB of x against the clean batch: per image and over all pixels at once (the reference's value). */
export function psnr(batch: ImageBatch, x: Float64Array): { perImage: number[]; batch: number } {
  const hw = batch.h * batch.w;
  const per: number[] = [];
  let total = 0;
  for (let m = 0; m < batch.count; m++) {
    let s = 0;
    for (let i = m * hw; i < (m + 1) * hw; i++) {
      const v = Math.min(1, Math.max(0, x[i]));
      s += (v - batch.clean[i]) ** 2;
    }
    total += s;
    per.push(10 * Math.log10(1 / (s / hw)));
  }
  return { perImage: per, batch: 10 * Math.log10(1 / (total / (hw * batch.count))) };
}
