// The resources a leak is judged on, and one level of each: a leaf the leak verdicts share.
export type Resource = 'memory' | 'threads' | 'fds' | 'connections';
export const RESOURCES: Resource[] = ['memory', 'threads', 'fds', 'connections'];

export type Levels = Record<Resource, number>;
