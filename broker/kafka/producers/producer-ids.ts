/**
 * Producer id allocation for InitProducerId: monotonic int64 (kept below 2^53), persisted in
 * `<dataDir>/producer-ids.properties` (`next.producer.id=N`, written atomically by rename) before
 * an id is handed out, so ids are never reused after a restart or a crash.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PRODUCER_IDS_FILE = 'producer-ids.properties';

export class ProducerIdAllocator {
  private next: number | null = null;
  private loading: Promise<void> | null = null;
  /** Serialises the file writes; each write records the highest `next` reserved so far. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly dataDir: string) {}

  private get file(): string {
    return join(this.dataDir, PRODUCER_IDS_FILE);
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const text = await readFile(this.file, 'utf8');
        const match = /^next\.producer\.id=(\d+)$/m.exec(text);
        this.next = match ? Number(match[1]) : 0;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        this.next = 0;
      }
    })();
    return this.loading;
  }

  /** A new producer id, durable before it is returned. */
  async allocate(): Promise<number> {
    await this.load();
    const id = this.next!;
    this.next = id + 1;
    const upTo = this.next;
    const write = this.writing.then(() => this.persist(upTo));
    this.writing = write.catch(() => undefined);
    await write;
    return id;
  }

  private async persist(next: number): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `# Written by Sluice: the next InitProducerId id; do not edit.\nnext.producer.id=${next}\n`);
    await rename(tmp, this.file);
  }
}
