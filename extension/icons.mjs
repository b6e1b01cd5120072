/**
 * The wallet's icon, drawn here and written as PNGs (no image files to download or keep in sync):
 * a green coin with a rim and a white "N". Each pixel is the coverage of the shapes at 4×4 sample
 * points (anti-aliasing), encoded as an 8-bit RGBA PNG with node:zlib. Sizes: 16 and 32 for the
 * toolbar, 48 for the browser's extension pages, 96 and 128 for the stores.
 *
 *   import { writeIcons } from './icons.mjs'; writeIcons(dir) → ['icons/icon-16.png', …]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 32, 48, 96, 128];

const COIN = [31, 95, 63];
const RIM = [63, 174, 116];
const MARK = [255, 255, 255];

/** Distance from p to the segment a–b (all in units of the icon's width). */
function segment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** The colour at (x, y) in [0,1]², or null outside the coin. */
function shade(x, y, size) {
  const r = Math.hypot(x - 0.5, y - 0.5);
  if (r > 0.48) return null;
  // The "N": two uprights and a diagonal, thicker at small sizes so it stays readable.
  const w = size <= 16 ? 0.085 : 0.065;
  const n = Math.min(
    segment(x, y, 0.33, 0.3, 0.33, 0.7),
    segment(x, y, 0.67, 0.3, 0.67, 0.7),
    segment(x, y, 0.33, 0.3, 0.67, 0.7),
  );
  if (n < w) return MARK;
  if (r > 0.4 && size > 16) return RIM;
  return COIN;
}

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The icon at `size`×`size` as PNG bytes. */
export function iconPng(size) {
  const S = 4;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = shade((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size, size);
          if (c === null) continue;
          sum[0] += c[0];
          sum[1] += c[1];
          sum[2] += c[2];
          sum[3] += 1;
        }
      }
      const at = y * (size * 4 + 1) + 1 + x * 4;
      const n = sum[3];
      raw[at] = n === 0 ? 0 : Math.round(sum[0] / n);
      raw[at + 1] = n === 0 ? 0 : Math.round(sum[1] / n);
      raw[at + 2] = n === 0 ? 0 : Math.round(sum[2] / n);
      raw[at + 3] = Math.round((255 * n) / (S * S));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes every size into `dir/icons/`; returns the paths relative to `dir`. */
export function writeIcons(dir) {
  mkdirSync(join(dir, 'icons'), { recursive: true });
  return ICON_SIZES.map((size) => {
    const path = `icons/icon-${size}.png`;
    writeFileSync(join(dir, path), iconPng(size));
    return path;
  });
}
