// The SIMD byte kernel (src/scanner/wasm): its line ends and needle matches against a plain JavaScript search on
// random bytes and on the edges (matches at the chunk's ends and across 16- and 64-byte blocks, one-byte needles,
// more matches than one output batch holds); and the committed bytes are what kernel.wat assembles to.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChunkKernel } from '../src/scanner/wasm/chunk-kernel.js';
import { KERNEL_WASM_BASE64 } from '../src/scanner/wasm/kernel-bytes.js';

/** Every start of `needle` in `hay`, overlapping ones too: the reference. */
function allMatches(hay: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let k = 0;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) out.push(i);
  }
  return out;
}

/** Line breaks as the scanner sees them: every '\n', and the first NUL of every run of NUL bytes. */
function lineBreaks(hay: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < hay.length; i++) if (hay[i] === 10 || (hay[i] === 0 && (i === 0 || hay[i - 1] !== 0))) out.push(i);
  return out;
}

function kernelMatches(kernel: ChunkKernel, index: number, base: number): number[] {
  const out: number[] = [];
  for (let at = kernel.needle(index).next(kernel.inputAt); at >= 0; at = kernel.needle(index).next(at + 1)) out.push(at - kernel.inputAt + base);
  return out;
}

function kernelLineEnds(kernel: ChunkKernel, base: number): number[] {
  const out: number[] = [];
  for (let count = kernel.firstLineBatch(); ; count = kernel.nextLineBatch()) {
    for (let k = 0; k < count; k++) out.push(kernel.lineEnds[k] - kernel.inputAt + base);
    if (!kernel.lineBatchFull) return out;
  }
}

/** Deterministic bytes from a small alphabet, so needles match often. */
function randomBytes(n: number, seed: number, alphabet: string): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = alphabet.charCodeAt((a >>> 16) % alphabet.length);
  }
  return out;
}

describe('scanner SIMD kernel', () => {
  it('is the assembly of kernel.wat', async () => {
    const { assembleKernel } = await import('../scripts/build-wasm.mjs');
    const bytes: Buffer = await assembleKernel();
    expect(bytes.toString('base64')).toBe(KERNEL_WASM_BASE64);
    expect(readFileSync(new URL('../src/scanner/wasm/kernel.wat', import.meta.url), 'utf8')).toMatch(/i8x16\.bitmask/);
  });

  it('finds every line end and every needle match that a plain search finds', () => {
    const needles = ['ab', 'a', 'b\nab', 'abba', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'x', 'ba\n\nab'].map((s) => Buffer.from(s));
    const kernel = new ChunkKernel(needles);
    for (const [size, seed, alphabet] of [[1, 1, 'a'], [15, 2, 'ab\n'], [16, 3, 'ab'], [17, 4, 'ab\n'], [63, 5, 'ab\n'], [64, 6, 'a'], [65, 7, 'ab'], [1000, 8, 'ab\n'], [100_003, 9, 'aab\n'], [300_001, 10, 'ab\n\n'], [1000, 11, 'a\0\n'], [200_001, 12, '\0\0\n\0'], [70_000, 13, '\0']] as const) {
      const hay = randomBytes(size, seed, alphabet);
      // A chunk inside a bigger buffer, as the scanner gives it.
      const buf = Buffer.concat([Buffer.from('ab\nab'), hay, Buffer.from('ba\nab')]);
      kernel.load(buf, 5, 5 + hay.length);
      expect(kernelLineEnds(kernel, 5), `line ends, size ${size}`).toEqual(lineBreaks(hay).map((i) => i + 5));
      needles.forEach((n, i) => expect(kernelMatches(kernel, i, 5), `needle ${JSON.stringify(n.toString())}, size ${size}`).toEqual(allMatches(hay, n).map((x) => x + 5)));
    }
  });

  it('grows its memory for a big chunk and still reads it all', () => {
    const kernel = new ChunkKernel([Buffer.from('needle')]);
    const big = Buffer.alloc(9 << 20, 'x');
    big.write('needle', 0);
    big.write('needle', big.length - 6);
    big.write('\n', 4 << 20);
    kernel.load(big, 0, big.length);
    expect(kernelMatches(kernel, 0, 0)).toEqual([0, big.length - 6]);
    expect(kernelLineEnds(kernel, 0)).toEqual([4 << 20]);
  });
});
