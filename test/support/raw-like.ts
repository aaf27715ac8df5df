// A TIFF-structured RAW-like file, as cameras write them: IFD0 with a tiny 8×8 strip image and a
// SubIFD holding a JPEG preview (ExifTool reads it as JpgFromRaw), plus DNGVersion so ExifTool
// treats it as a DNG. Metadata is then written by ExifTool itself.
import { writeFileSync } from 'node:fs';

type Entry = [tag: number, type: number, count: number, value: number | number[] | 'strip' | 'sub' | 'jpeg'];

export function writeRawLike(file: string, preview: Buffer | null): void {
  const ifd0: Entry[] = [[0x100, 3, 1, 8], [0x101, 3, 1, 8], [0x102, 3, 1, 8], [0x103, 3, 1, 1], [0x106, 3, 1, 1], [0x111, 4, 1, 'strip'],
    [0x115, 3, 1, 1], [0x116, 3, 1, 8], [0x117, 4, 1, 64], ...(preview ? [[0x14a, 4, 1, 'sub'] as Entry] : []), [0xc612, 1, 4, [1, 4, 0, 0]]];
  const sub: Entry[] = preview ? [[0xfe, 4, 1, 0], [0x103, 3, 1, 6], [0x201, 4, 1, 'jpeg'], [0x202, 4, 1, preview.length]] : [];
  const ifdSize = (n: number) => (n ? 2 + n * 12 + 4 : 0);
  const at = { sub: 8 + ifdSize(ifd0.length), strip: 0, jpeg: 0 };
  at.strip = at.sub + ifdSize(sub.length);
  at.jpeg = at.strip + 64;
  const buf = Buffer.alloc(at.jpeg + (preview?.length ?? 0));
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  const writeIfd = (off: number, entries: Entry[]) => {
    buf.writeUInt16LE(entries.length, off);
    entries.forEach(([tag, type, count, v], i) => {
      const e = off + 2 + i * 12;
      buf.writeUInt16LE(tag, e);
      buf.writeUInt16LE(type, e + 2);
      buf.writeUInt32LE(count, e + 4);
      if (Array.isArray(v)) v.forEach((b, k) => buf.writeUInt8(b, e + 8 + k));
      else if (type === 3) buf.writeUInt16LE(v as number, e + 8);
      else buf.writeUInt32LE(typeof v === 'string' ? at[v] : v, e + 8);
    });
    buf.writeUInt32LE(0, off + 2 + entries.length * 12);
  };
  writeIfd(8, ifd0);
  if (preview) writeIfd(at.sub, sub);
  buf.fill(128, at.strip, at.strip + 64);
  preview?.copy(buf, at.jpeg);
  writeFileSync(file, buf);
}
