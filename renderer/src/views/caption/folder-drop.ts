// Dropped folders in the browser: walk them with the File System entries API (web mode has no paths).
async function walk(entry: FileSystemEntry, out: File[]): Promise<void> {
  if (entry.name.startsWith('.')) return;
  if (entry.isFile) {
    out.push(await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail)));
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, out);
    }
  }
}

/** Every file of a drop, folders expanded; falls back to the flat file list. */
export async function filesOfDrop(dt: DataTransfer): Promise<File[]> {
  // Entries must be taken synchronously: the DataTransfer is emptied once the drop handler returns.
  const entries = [...dt.items]
    .map((i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  const flat = [...dt.files];
  if (!entries.some((e) => e.isDirectory)) return flat;
  const out: File[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}
