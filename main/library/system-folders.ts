// Folders that are never photo libraries: the kernel's pseudo-filesystems (/proc, /sys, /dev: endless,
// unreadable or changing files — a watcher on /proc alone crawls hundreds of MB and floods EACCES) and
// the operating system's own folders. roots.add refuses them with a reason instead of crawling them.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Filesystem types that hold no files of a person's (Linux /proc/self/mountinfo names). */
const PSEUDO_FS_TYPES = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs',
  'pstore', 'bpf', 'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'binfmt_misc', 'autofs', 'efivarfs',
]);

/** Folders of the system itself, per platform: the folder and everything inside it. */
const SYSTEM_FOLDERS: Record<string, readonly string[]> = {
  // Not /run: removable drives mount under /run/media/USER.
  linux: ['/proc', '/sys', '/dev', '/boot', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr', '/var/lib', '/var/run', '/var/cache'],
  darwin: ['/dev', '/System', '/private/etc', '/private/var/db', '/bin', '/sbin', '/usr', '/Library/Apple'],
  win32: ['C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData'],
};

const within = (child: string, parent: string, p: typeof path): boolean => {
  const rel = p.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
};

/** Mount points of pseudo-filesystems (Linux), read once per call; [] elsewhere or when unreadable. */
export function pseudoMounts(mountinfo?: string): string[] {
  let text = mountinfo;
  if (text === undefined) {
    try { text = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return []; }
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/point rw,noatime master:1 - ext3 /dev/root rw" — point is field 5, type follows "-".
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0 || fields.length < 5) continue;
    if (PSEUDO_FS_TYPES.has(fields[dash + 1] ?? '')) out.push(fields[4]!.replace(/\\040/g, ' '));
  }
  return out;
}

/**
 * Why `real` (a resolved, absolute folder) cannot be a library folder, or null when it can.
 * The filesystem root is refused too: it holds the system folders.
 */
export function systemFolderReason(real: string, platform: NodeJS.Platform = process.platform, mounts: string[] = platform === 'linux' ? pseudoMounts() : []): string | null {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (p.parse(real).root === real) return `${real} is the root of the file system; choose the folder that holds your photos`;
  const pseudo = mounts.filter((m) => m !== '/' && within(real, m, p)).sort((a, b) => b.length - a.length)[0];
  if (pseudo) return `${real} is inside ${pseudo}, a system pseudo-filesystem with no photos; choose a folder that holds your photos`;
  const folders = SYSTEM_FOLDERS[platform] ?? [];
  const system = folders.find((f) => (platform === 'win32' ? within(real.toLowerCase(), f.toLowerCase(), p) : within(real, f, p)));
  if (system) return `${real} is inside ${system}, a folder of the operating system; choose a folder that holds your photos`;
  return null;
}
