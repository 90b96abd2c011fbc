// JSON Lines, read as a stream: the timelines of a day-long run are never held whole.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export async function* readJsonLines<T>(file: string): AsyncGenerator<T> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim()) yield JSON.parse(line) as T;
  }
}
