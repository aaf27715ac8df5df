// The one long-lived ExifTool process (exiftool-vendored) shared by metadata, RAW previews and videos.
// Started on first use, shut down with the app (closeExifTool is registered on the context's close)
// and on process exit. Perl is present on Linux/macOS; the Windows build bundles exiftool.exe.
import { ExifTool } from 'exiftool-vendored';

let instance: ExifTool | null = null;

export function exiftool(): ExifTool {
  if (!instance) {
    instance = new ExifTool({ maxProcs: 1, taskTimeoutMillis: 30_000 });
  }
  return instance;
}

export async function closeExifTool(): Promise<void> {
  const running = instance;
  instance = null;
  if (running) await running.end();
}
