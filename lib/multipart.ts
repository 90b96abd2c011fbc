// Multipart/form-data uploads built in one buffer a VU keeps, and sent as a raw body. k6's form
// encoding (an object with http.file) copies the file into a new buffer on every request, on top
// of the VU's copy and the one k6 keeps as response.request.body: 430 MB of k6's memory per
// in-flight 100 MB upload (BENCHMARKS.md). A Uint8Array body reaches k6's client as the same
// bytes, not a copy, so the VU's buffer and k6's request.body are the only two; the file is read
// into it once, and a later upload of the same file reads only what it has not read yet.
import { SeekMode, type File } from 'k6/experimental/fs';

/** Reads the file this many bytes at a time: k6's File.read copies its whole `into` first. */
const CHUNK = 1024 * 1024;
/** Room before the file's bytes for the fields and the file part's header, written to end there. */
const HEAD_ROOM = 4096;

export interface MultipartFile {
  /** The form field that carries the file. */
  field: string;
  filename: string;
  /** application/octet-stream where not given, as http.file has it. */
  contentType?: string;
  /** The file part's size in bytes. */
  size: number;
}

export interface MultipartBody {
  /** The whole body, a view of the VU's buffer: send it before asking for the next one. */
  body: Uint8Array;
  /** multipart/form-data with the body's boundary, for the request's Content-Type. */
  contentType: string;
}

/**
 * One VU's uploads of `from`'s first bytes (zeros where there is no file): each body is the
 * fields, then the file part, in one buffer grown to the largest upload asked for.
 */
export class MultipartUploads {
  private readonly boundary = `k6kit${randomHex(24)}`;
  private buffer = new Uint8Array(0);
  private room = HEAD_ROOM;
  /** How many of the file's bytes are in place after the head room. */
  private filled = 0;

  constructor(private readonly from?: File) {}

  async body(fields: Record<string, string>, file: MultipartFile): Promise<MultipartBody> {
    const head = encode(this.head(fields, file));
    const tail = encode(`\r\n--${this.boundary}--\r\n`);
    this.hold(head.length, file.size + tail.length);
    await this.fill(file.size);
    const start = this.room - head.length;
    this.buffer.set(head, start);
    this.buffer.set(tail, this.room + file.size);
    this.filled = Math.min(this.filled, file.size);
    return {
      body: this.buffer.subarray(start, this.room + file.size + tail.length),
      contentType: `multipart/form-data; boundary=${this.boundary}`,
    };
  }

  /**
   * Lets the buffer go (its bytes, once the request that sent them is done): a VU that uploads
   * now and then need not hold its largest body between uploads. The next body reads the file anew.
   */
  release(): void {
    this.buffer = new Uint8Array(0);
    this.room = HEAD_ROOM;
    this.filled = 0;
  }

  private head(fields: Record<string, string>, file: MultipartFile): string {
    const parts = Object.keys(fields).map(
      (name) =>
        `--${this.boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${fields[name]}\r\n`,
    );
    return (
      `${parts.join('')}--${this.boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; ` +
      `filename="${quoted(file.filename)}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`
    );
  }

  /** A buffer with `headLength` bytes of room before the file and `after` bytes from it. */
  private hold(headLength: number, after: number): void {
    const room = Math.max(this.room, headLength);
    if (room === this.room && this.buffer.length >= room + after) return;
    const grown = new Uint8Array(room + after);
    // The file's bytes already read move with the room; a larger head room is rare.
    grown.set(this.buffer.subarray(this.room, this.room + this.filled), room);
    this.buffer = grown;
    this.room = room;
  }

  /** The file's first `size` bytes in place, reading (or zeroing) only those not there yet. */
  private async fill(size: number): Promise<void> {
    if (size <= this.filled) return;
    if (!this.from) this.buffer.fill(0, this.room + this.filled, this.room + size);
    else await readInto(this.from, this.buffer, this.room, this.filled, size);
    this.filled = size;
  }
}

/** Bytes `from` to `to` of the file, into `buffer` at `offset` + their position, a chunk at a time. */
async function readInto(
  file: File,
  buffer: Uint8Array,
  offset: number,
  from: number,
  to: number,
): Promise<void> {
  await file.seek(from, SeekMode.Start);
  const chunk = new Uint8Array(Math.min(CHUNK, to - from));
  for (let done = from; done < to;) {
    const read = await file.read(chunk);
    if (read === null || read === 0)
      throw new Error(`the upload's file ended at byte ${done} of the ${to} asked for`);
    const n = Math.min(read, to - done);
    buffer.set(n === chunk.length ? chunk : chunk.subarray(0, n), offset + done);
    done += n;
  }
}

const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A quoted-string's value as Go's mime/multipart writes it: backslash and quote escaped (without
 * a RegExp, whose prototype a VU would otherwise build).
 */
function quoted(text: string): string {
  return text.split('\\').join('\\\\').split('"').join('\\"');
}

function randomHex(length: number): string {
  let hex = '';
  while (hex.length < length)
    hex += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return hex.slice(0, length);
}
