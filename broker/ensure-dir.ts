import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that cannot hang. Node 20's recursive mkdir (promise, callback and sync forms alike)
 * never returns for some unusable paths, e.g. `/proc/x`: an operator's typo in SLUICE_DATA_DIR
 * would freeze start-up with no message. One component at a time turns that into an error.
 */
export async function ensureDir(dir: string): Promise<void> {
  const path = resolve(dir);
  if (await isDirectory(path)) return;
  const parent = dirname(path);
  if (parent !== path) await ensureDir(parent);
  try {
    await mkdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (!(await isDirectory(path))) throw notADirectory(path);
  }
}

export function ensureDirSync(dir: string): void {
  const path = resolve(dir);
  if (isDirectorySync(path)) return;
  const parent = dirname(path);
  if (parent !== path) ensureDirSync(parent);
  try {
    mkdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (!isDirectorySync(path)) throw notADirectory(path);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function isDirectorySync(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function notADirectory(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path });
}
