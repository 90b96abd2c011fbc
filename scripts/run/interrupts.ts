// What stops a run from outside: Ctrl-C (SIGINT), SIGTERM, a closed terminal (SIGHUP), or the
// process that started k6kit going away (lifeline.ts). Listened to for the whole of `k6kit run`,
// reports included: a signal while the verdicts or the reports are written no longer kills k6kit
// half-way; the run that is stopping hears it, and what was measured is still judged and kept.
import { watchAncestors } from '../lifeline.ts';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export class Interrupts {
  /** The first interruption, in words: "SIGINT", or the parent that exited. */
  reason?: string;
  private listener: ((reason: string) => void) | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => this.interrupt(signal);
  private readonly ancestors = watchAncestors((gone) =>
    this.interrupt(`the exit of the process that started k6kit (pid ${gone.pid}, ${gone.name})`),
  );

  constructor(private readonly log: (line: string) => void) {
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
  }

  /** The run hears every interruption from now on; one that came before it listened, at once. */
  listen(listener: ((reason: string) => void) | undefined): void {
    this.listener = listener;
    if (listener && this.reason) listener(this.reason);
  }

  private interrupt(reason: string): void {
    this.reason ??= reason;
    if (this.listener) this.listener(reason);
    else this.log(`${reason}: the load has ended; its verdict and reports are being written`);
  }

  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.ancestors.stop();
  }
}
