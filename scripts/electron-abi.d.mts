// Types of scripts/electron-abi.mjs (plain JS so `npm start` runs it without a TypeScript loader).
export interface AbiLayout {
  root: string; pkgDir: string; nodeBinary: string; electronDir: string; electronBinary: string;
  stampFile: string; scratchDir: string; headersDir: string;
}
export interface AbiStamp { electron: string; abi: string; betterSqlite3: string; platform: string; arch: string }
export class AbiError extends Error {}
export function layout(root?: string, env?: NodeJS.ProcessEnv): AbiLayout;
export function wantedStamp(root?: string, platform?: string, arch?: string): AbiStamp;
export function stampMatches(stamp: Partial<AbiStamp> | null, wanted: AbiStamp): boolean;
export function addonAbi(file: string): string | null;
export function nodeBuildWorks(root?: string): { ok: boolean; detail: string };
export function ensureNodeBuild(root?: string, log?: (msg: string) => void): void;
export function headersSource(wanted: AbiStamp, env?: NodeJS.ProcessEnv, l?: AbiLayout): Promise<{ args: string[]; how: string }>;
export function ensureElectronBuild(opts?: { root?: string; env?: NodeJS.ProcessEnv; log?: (msg: string) => void; force?: boolean }): Promise<string>;
export function status(root?: string): unknown;
