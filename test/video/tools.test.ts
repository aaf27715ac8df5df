// ffmpeg / ffprobe resolution and running (issue 12): the npm packages' binaries first, a private
// executable copy when the package's file lacks the execute bit (as @ffprobe-installer publishes
// it), PATH next, and a clear error naming what was tried; processes time out and are never a shell.
import { describe, expect, it } from 'vitest';
import { copyFileSync, chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { resolveTool, runTool, tool } from '../../main/media/video/tools';
import { AppError } from '../../shared/errors';
import { tempDir } from '../library/helpers';

describe('finding ffmpeg and ffprobe', () => {
  it('uses the npm packages', () => {
    expect(resolveTool('ffmpeg').path).toMatch(/@ffmpeg-installer/);
    expect(resolveTool('ffprobe').path).toMatch(/ffprobe/);
  });

  it('runs a private copy when the packaged binary is not executable', async () => {
    const dir = tempDir('tools');
    const unexecutable = path.join(dir, 'ffprobe');
    copyFileSync(tool('ffprobe').path, unexecutable);
    chmodSync(unexecutable, 0o644);
    const found = resolveTool('ffprobe', { packaged: () => unexecutable, env: { PATH: '' } });
    expect(found.source).toBe('package-copy');
    expect(found.path).not.toBe(unexecutable);
  });

  it('falls back to PATH, then says clearly what is missing', () => {
    const dir = tempDir('tools-path');
    mkdirSync(path.join(dir, 'bin'));
    symlinkSync(tool('ffmpeg').path, path.join(dir, 'bin', 'ffmpeg'));
    expect(resolveTool('ffmpeg', { packaged: () => null, env: { PATH: path.join(dir, 'bin') } })).toEqual({ path: path.join(dir, 'bin', 'ffmpeg'), source: 'path' });
    let err: unknown;
    try { resolveTool('ffprobe', { packaged: () => null, env: { PATH: path.join(dir, 'bin') } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('unavailable');
    expect((err as AppError).message).toMatch(/ffprobe was not found: the @ffprobe-installer\/ffprobe package has no binary .* and there is no ffprobe on PATH/);
  });

  it('stops a tool that runs past its timeout, and reports a failing one with its message', async () => {
    const started = Date.now();
    await expect(runTool('ffmpeg', ['-nostdin', '-f', 'lavfi', '-i', 'testsrc2', '-f', 'null', '-'], { timeoutMs: 500 }))
      .rejects.toThrow(/ffmpeg took longer than \d+ s and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Arguments are an argv, never a shell line: `;` and `$(…)` are just a (missing) file name.
    await expect(runTool('ffprobe', ['-v', 'error', '--', '/nonexistent; echo $(id)'])).rejects.toThrow(/ffprobe failed \(exit 1\): .*No such file/);
  });
});
