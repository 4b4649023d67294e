/**
 * The Hindsight icon, drawn in code so no binary is committed: a rounded indigo square with
 * a white "history" mark (an open circle with an arrow head, and clock hands).
 * `iconPng(size)` returns PNG bytes; scripts/build.mjs writes icons/icon-{16,32,48,128}.png.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Encode RGBA pixels (Uint8Array, size*size*4) as a PNG. */
function encodePng(size, rgba) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BG = [59, 91, 219];
const FG = [255, 255, 255];

/** Colour of the unit-square point (x, y) in [0,1]², or null when transparent. */
function shade(x, y) {
  // Rounded square.
  const r = 0.2;
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  if (dx * dx + dy * dy > r * r) return null;
  const cx = x - 0.5;
  const cy = y - 0.5;
  const d = Math.hypot(cx, cy);
  const ang = Math.atan2(cy, cx); // 0 = right, +pi/2 = down
  // Open ring, gap at the upper left where the arrow head sits.
  const inGap = ang < -Math.PI * 0.55 && ang > -Math.PI * 0.95;
  if (d > 0.27 && d < 0.35 && !inGap) return FG;
  // Arrow head: a triangle at the ring's start, pointing counter-clockwise (up-left).
  const ax = x - 0.22;
  const ay = y - 0.36;
  if (ay < 0.02 && ay > -0.13 && ax > -0.09 && ax < 0.09 && Math.abs(ax) < (ay + 0.13) * 0.75) return FG;
  // Clock hands: up from the centre, and to the lower right.
  if (Math.abs(cx) < 0.04 && cy > -0.2 && cy < 0.03) return FG;
  const t = (cx + cy) / 2;
  if (t > 0 && t < 0.11 && Math.abs(cx - cy) < 0.08) return FG;
  return BG;
}

export function iconPng(size) {
  const ss = 4;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = shade((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a++;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
        rgba[i + 3] = Math.round((a / (ss * ss)) * 255);
      }
    }
  }
  return encodePng(size, rgba);
}

export const ICON_SIZES = [16, 32, 48, 128];
