/** Real files for attachment tests, built in memory: a PNG that decodes, a ZIP, an executable's header, a PDF, text. */
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid w×h RGB PNG of one colour; `padTo` appends random bytes after IEND (decoders ignore them) for size. */
export function png(o: { width?: number; height?: number; rgb?: [number, number, number]; padTo?: number } = {}): Buffer {
  const w = o.width ?? 4;
  const h = o.height ?? 4;
  const [r, g, b] = o.rgb ?? [30, 120, 200];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  const file = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return o.padTo && o.padTo > file.length ? Buffer.concat([file, randomBytes(o.padTo - file.length)]) : file;
}

/** A ZIP archive with one stored (uncompressed) file. */
export function zip(name = 'notes.txt', content = Buffer.from('hello from a zip\n')): Buffer {
  const n = Buffer.from(name, 'utf8');
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(n.length, 28);
  const cdOffset = local.length + n.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + n.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, content, central, n, end]);
}

/** The start of a Windows executable (MZ header), padded. */
export const exe = (size = 4096) => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(size - 2, 0x90)]);

/** A minimal one-page PDF. */
export const pdf = () =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );

/** UTF-8 text of about `size` bytes (with non-ASCII letters, so a cut between a character's bytes is possible). */
export function text(size = 1000): Buffer {
  const line = 'Übermäßig lange Protokollzeile: ça marche, 日本語 ok\n';
  return Buffer.from(line.repeat(Math.ceil(size / Buffer.byteLength(line))), 'utf8');
}
