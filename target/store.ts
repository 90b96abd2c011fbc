// The file store of the repackaging service: a temporary folder that lives as long as the target,
// of a bounded size when --store-size says so. Every byte written to it is claimed first, so that
// the store's usage is known at any moment and a full store refuses before the disk does.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  kind: 'upload' | 'output';
  created_at: string;
}

export interface StoreUsage {
  used_bytes: number;
  /** 0: no limit. */
  capacity_bytes: number;
  files: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  /** Bytes of listed files, of writes in progress and of anything left behind. */
  private used = 0;

  private constructor(
    readonly dir: string,
    /** Bytes the store may hold; 0 for no limit. */
    readonly capacity: number,
  ) {}

  static async create(capacity = 0): Promise<FileStore> {
    return new FileStore(await mkdtemp(join(tmpdir(), 'k6kit-target-store-')), capacity);
  }

  /** A fresh id and the path its bytes go to; the file is listed only once add() says it is complete. */
  reserve(): { id: string; path: string } {
    const id = randomUUID();
    return { id, path: join(this.dir, id) };
  }

  /** Takes `bytes` of the store's room, or says there is not that much. */
  claim(bytes: number): boolean {
    if (this.capacity > 0 && this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  /**
   * A stream stage that claims each chunk before it passes it on. Past the store's room it passes
   * nothing more, drains the rest (so the client gets an answer, not a reset) and says `full`.
   */
  meter(): Transform & { claimed: number; full: boolean } {
    const stage = new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) => {
        if (!stage.full && this.claim(chunk.length)) {
          stage.claimed += chunk.length;
          done(null, chunk);
        } else {
          stage.full = true;
          done();
        }
      },
    }) as Transform & { claimed: number; full: boolean };
    stage.claimed = 0;
    stage.full = false;
    return stage;
  }

  add(file: StoredFile): void {
    this.files.set(file.id, file);
  }

  /**
   * The one way from an id to a path: ids are checked against the store's own records, so a forged
   * id or a path such as ../../etc/passwd finds nothing and reads nothing.
   */
  lookup(id: string): { file: StoredFile; path: string } | undefined {
    if (!UUID.test(id)) return undefined;
    const file = this.files.get(id);
    return file ? { file, path: join(this.dir, id) } : undefined;
  }

  /** Removes a listed file and gives its room back; false when there is no such file. */
  async delete(id: string): Promise<boolean> {
    const found = this.lookup(id);
    if (!found) return false;
    this.files.delete(id);
    await this.discard(found.path, found.file.size);
    return true;
  }

  /** Removes what was written at `path` and gives back the room it claimed. */
  async discard(path: string, claimed: number): Promise<void> {
    await unlink(path).catch(() => {});
    this.release(claimed);
  }

  usage(): StoreUsage {
    return { used_bytes: this.used, capacity_bytes: this.capacity, files: this.files.size };
  }

  page(offset: number, limit: number): { files: StoredFile[]; total: number } {
    const all = [...this.files.values()];
    return { files: all.slice(offset, offset + limit), total: all.length };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
