// The file store of the repackaging service: a temporary folder that lives as long as the target.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  kind: 'upload' | 'output';
  created_at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  private constructor(readonly dir: string) {}

  static async create(): Promise<FileStore> {
    return new FileStore(await mkdtemp(join(tmpdir(), 'k6kit-target-store-')));
  }

  /** A fresh id and the path its bytes go to; the file is listed only once add() says it is complete. */
  reserve(): { id: string; path: string } {
    const id = randomUUID();
    return { id, path: join(this.dir, id) };
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

  page(offset: number, limit: number): { files: StoredFile[]; total: number } {
    const all = [...this.files.values()];
    return { files: all.slice(offset, offset + limit), total: all.length };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
