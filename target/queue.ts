// The repackaging service's background worker queue: bounded concurrency, progress that listeners
// (the task WebSocket) follow until the task is done.
import { randomUUID } from 'node:crypto';

export type TaskStatus = 'queued' | 'processing' | 'completed' | 'failed';

export interface Task {
  id: string;
  kind: 'upload' | 'file' | 'marketplace';
  status: TaskStatus;
  progress: number;
  platform: string;
  input_file_id: string | null;
  output_file_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

type Listener = (task: Task) => void;
export type Job = (report: (progress: number) => void) => Promise<string | null>;

export class TaskQueue {
  private readonly tasks = new Map<string, Task>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly waiting: { task: Task; job: Job }[] = [];
  private running = 0;

  constructor(private readonly concurrency: number) {}

  submit(fields: Pick<Task, 'kind' | 'platform' | 'input_file_id'>, job: Job): Task {
    const now = new Date().toISOString();
    const task: Task = {
      id: randomUUID(),
      status: 'queued',
      progress: 0,
      output_file_id: null,
      error: null,
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.tasks.set(task.id, task);
    this.waiting.push({ task, job });
    this.pump();
    return task;
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  stats(): { queued: number; processing: number; total: number } {
    return { queued: this.waiting.length, processing: this.running, total: this.tasks.size };
  }

  /** Calls back on every change until the task is done; returns how to stop listening. */
  follow(id: string, listener: Listener): () => void {
    const set = this.listeners.get(id) ?? new Set();
    set.add(listener);
    this.listeners.set(id, set);
    return () => set.delete(listener);
  }

  private update(task: Task, change: Partial<Task>): void {
    Object.assign(task, change, { updated_at: new Date().toISOString() });
    for (const listener of this.listeners.get(task.id) ?? []) listener(task);
    if (task.status === 'completed' || task.status === 'failed') this.listeners.delete(task.id);
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const { task, job } = this.waiting.shift() as { task: Task; job: Job };
      this.running++;
      this.update(task, { status: 'processing' });
      job((progress) => this.update(task, { progress }))
        .then(
          (output) => this.update(task, { status: 'completed', progress: 100, output_file_id: output }),
          (error: unknown) =>
            this.update(task, {
              status: 'failed',
              error: error instanceof Error ? error.message : String(error),
            }),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
