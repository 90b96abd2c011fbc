// Globals k6 provides in every VU that @types/k6 does not declare.
declare const console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
};

/** The Encoding standard's UTF-8 encoder, global in k6 v2. */
declare class TextEncoder {
  encode(text: string): Uint8Array;
}
