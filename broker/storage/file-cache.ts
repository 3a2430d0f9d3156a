import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SluiceError } from '../errors.js';

/** Upper bound of the default cap: enough for the hot segments of a large broker. */
export const DEFAULT_MAX_OPEN_SEGMENT_FILES = 2000;

/**
 * A bounded set of open segment log files, least recently used closed first.
 *
 * Holding one descriptor per segment for the life of the store runs into `ulimit -n` with a few
 * thousand partitions (each has at least its active segment). Here every log file is a
 * `CachedFile` that opens on use and may be closed again while nobody uses it; at most `limit`
 * descriptors are held at once. The cap is hard: when every open file is in use, an opener waits
 * until one is released. That cannot deadlock because no code path holds one file in use while
 * opening another (a read or write works on one segment at a time).
 *
 * A file with writes not yet fdatasynced is synced before its descriptor is closed, so the flush
 * policy's promise does not depend on which descriptor the data went through.
 */
export class FileCache {
  /** Files holding a descriptor, least recently used first (Map keeps insertion order). */
  private readonly lru = new Map<CachedFile, true>();
  /** Descriptors held, being opened or being closed. */
  private used = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly limit: number,
    private readonly counters: { fsyncs: number } = { fsyncs: 0 },
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new SluiceError('INVALID_CONFIG', `the open segment file limit must be a positive integer (got ${limit})`);
  }

  /** Descriptors held right now (tests and diagnostics). */
  get openFiles(): number {
    return this.used;
  }

  /** Opens `path` within the cap; the caller owns the slot until `freed()`. */
  async open(path: string, flags: string): Promise<FileHandle> {
    await this.reserve();
    for (;;) {
      try {
        return await open(path, flags);
      } catch (err) {
        // Other code (sockets, transient files) can exhaust the process limit below our cap:
        // give back a descriptor of ours and try again rather than fail the append or read.
        const victim = isTooManyFiles(err) ? this.victim() : undefined;
        if (victim) {
          await victim.evict();
          continue;
        }
        this.freed();
        throw err;
      }
    }
  }

  touch(file: CachedFile): void {
    this.lru.delete(file);
    this.lru.set(file, true);
  }

  forget(file: CachedFile): void {
    this.lru.delete(file);
  }

  freed(): void {
    this.used--;
    this.wake();
  }

  /** A file with a descriptor became evictable. */
  unpinned(): void {
    this.wake();
  }

  synced(): void {
    this.counters.fsyncs++;
  }

  private async reserve(): Promise<void> {
    while (this.used >= this.limit) {
      const victim = this.victim();
      if (victim) await victim.evict();
      else await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.used++;
  }

  private victim(): CachedFile | undefined {
    for (const file of this.lru.keys()) if (file.evictable) return file;
    return undefined;
  }

  /** Every waiter re-checks; contention only happens when all descriptors are in use. */
  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * One segment log file whose descriptor comes and goes. `use()` returns an open handle and pins
 * it (a pinned file is never closed under its user); `unpin()` ends the use. `pin()` alone keeps
 * an already open descriptor from being evicted without opening one (segment readers).
 */
export class CachedFile {
  private fh: FileHandle | undefined;
  /** Open or close in progress; `fh` is unset meanwhile. */
  private transition: Promise<void> | undefined;
  private pins = 0;
  /** Write generations: equal when everything written has been fdatasynced. */
  private writes = 0;
  private syncedWrites = 0;
  /** A failed fdatasync on eviction: what reached the disk is unknown, so every later sync fails. */
  private syncError: unknown;
  private closed = false;

  private constructor(
    readonly cache: FileCache,
    readonly path: string,
  ) {}

  /** Creates the file (it must not exist) and keeps its descriptor open. */
  static async create(cache: FileCache, path: string): Promise<CachedFile> {
    const file = new CachedFile(cache, path);
    file.fh = await cache.open(path, 'wx+');
    cache.touch(file);
    return file;
  }

  /** An existing file; opened on first use. */
  static existing(cache: FileCache, path: string): CachedFile {
    return new CachedFile(cache, path);
  }

  get evictable(): boolean {
    return this.pins === 0 && this.fh !== undefined;
  }

  pin(): void {
    this.pins++;
  }

  unpin(): void {
    this.pins--;
    if (this.pins === 0 && this.fh) this.cache.unpinned();
  }

  /** Pins the file and returns its handle, opening it if needed; pair with `unpin()`. Returns
   * synchronously when the descriptor is open, which keeps the append path free of extra work. */
  use(): FileHandle | Promise<FileHandle> {
    this.pins++;
    if (this.fh) {
      this.cache.touch(this);
      return this.fh;
    }
    return this.reopen();
  }

  /** Call before writing through a handle from `use()`. */
  markWritten(): void {
    this.writes++;
  }

  async datasync(): Promise<void> {
    if (this.syncError) throw this.syncError;
    // Eviction syncs what it closes, so a closed file with nothing new needs no reopening.
    if (!this.fh && this.writes === this.syncedWrites) return;
    const fh = await this.use();
    try {
      const upTo = this.writes;
      await fh.datasync();
      this.syncedWrites = Math.max(this.syncedWrites, upTo);
    } finally {
      this.unpin();
    }
    // An eviction that overlapped this call may have failed to sync the same writes; a fresh
    // descriptor's fdatasync does not report that error.
    if (this.syncError) throw this.syncError;
  }

  /** Closes the descriptor for good (unsynced data stays in the page cache, as before). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.transition) await this.transition.catch(() => undefined);
    const fh = this.fh;
    if (!fh) return;
    this.fh = undefined;
    this.cache.forget(this);
    await this.begin(this.release(fh, false));
  }

  /** Called by the cache on an evictable file only. */
  evict(): Promise<void> {
    const fh = this.fh!;
    this.fh = undefined;
    this.cache.forget(this);
    return this.begin(this.release(fh, true));
  }

  private async reopen(): Promise<FileHandle> {
    try {
      while (!this.fh) {
        if (this.closed) throw new SluiceError('STORE_CLOSED', `segment file ${this.path} is closed`);
        await (this.transition ?? this.begin(this.openNow()));
      }
      this.cache.touch(this);
      return this.fh;
    } catch (err) {
      this.pins--;
      throw err;
    }
  }

  private async openNow(): Promise<void> {
    const fh = await this.cache.open(this.path, 'r+');
    if (this.closed) {
      await fh.close();
      this.cache.freed();
      return;
    }
    this.fh = fh;
    this.cache.touch(this);
  }

  private async release(fh: FileHandle, syncFirst: boolean): Promise<void> {
    try {
      if (syncFirst && this.writes !== this.syncedWrites) {
        const upTo = this.writes;
        try {
          await fh.datasync();
          this.cache.synced();
          this.syncedWrites = Math.max(this.syncedWrites, upTo);
        } catch (err) {
          this.syncError ??= err;
        }
      }
    } finally {
      // A close error after a successful (or recorded) sync tells nothing more about the data.
      await fh.close().catch(() => undefined);
      this.cache.freed();
    }
  }

  private begin(work: Promise<void>): Promise<void> {
    const t: Promise<void> = work.finally(() => {
      if (this.transition === t) this.transition = undefined;
    });
    this.transition = t;
    return t;
  }
}

/** Default cap: a quarter of the process descriptor limit (sockets and transient files need the
 * rest), at most DEFAULT_MAX_OPEN_SEGMENT_FILES. Linux exposes the limit in /proc/self/limits. */
export function defaultMaxOpenSegmentFiles(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return Math.max(16, Math.min(DEFAULT_MAX_OPEN_SEGMENT_FILES, Math.floor(Number(m[1]) / 4)));
  } catch {
    // Not Linux: fall through to the fixed default.
  }
  return DEFAULT_MAX_OPEN_SEGMENT_FILES;
}

function isTooManyFiles(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}
