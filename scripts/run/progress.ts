// A run's progress between its phase lines: one line on a terminal, rewritten in place (the
// phase, what is left, the samples taken); nothing off a terminal, where CI logs keep the quiet
// phase lines. Every log line clears it first, so the two never mix.

type Log = (line: string) => void;

export class Progress {
  private shown = false;

  constructor(private readonly stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr) {}

  /** Shown only where a person watches: a terminal. */
  get live(): boolean {
    return this.stream.isTTY === true;
  }

  show(text: string): void {
    if (!this.live) return;
    this.stream.write(`\r\x1b[2K  … ${text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  /** The run's log, clearing the progress line before each of its lines. */
  around(log: Log): Log {
    return (line) => {
      this.clear();
      log(line);
    };
  }

  /** A countdown of a phase that runs for known seconds, until the promise settles. */
  async countdown<T>(label: string, seconds: number, work: Promise<T>): Promise<T> {
    const began = performance.now();
    const tick = () => {
      const left = Math.ceil(seconds - (performance.now() - began) / 1000);
      this.show(left > 0 ? `${label}: ${left} s left` : `${label}: ending`);
    };
    tick();
    const timer = this.live ? setInterval(tick, 500) : undefined;
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.clear();
    }
  }
}
