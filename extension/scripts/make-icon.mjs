// Writes media/icon.png (128x128, a woven grid) with no image library: raw RGBA rows + zlib.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const raw = Buffer.alloc((size * 4 + 1) * size);
const bg = [30, 41, 59];
const warp = [56, 189, 248];
const weft = [250, 204, 21];
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0;
  for (let x = 0; x < size; x++) {
    const band = 16;
    const inWarp = x % (band * 2) >= 6 && x % (band * 2) < 26;
    const inWeft = y % (band * 2) >= 6 && y % (band * 2) < 26;
    const over = (Math.floor(x / (band * 2)) + Math.floor(y / (band * 2))) % 2 === 0;
    let c = bg;
    if (inWarp && inWeft) c = over ? warp : weft;
    else if (inWarp) c = warp;
    else if (inWeft) c = weft;
    const corner = Math.min(x, y, size - 1 - x, size - 1 - y) < 4;
    const i = y * (size * 4 + 1) + 1 + x * 4;
    raw[i] = c[0];
    raw[i + 1] = c[1];
    raw[i + 2] = c[2];
    raw[i + 3] = corner ? 0 : 255;
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw)),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png ${png.length} bytes`);
