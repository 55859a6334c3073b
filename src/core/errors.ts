/** Typed errors carry a stable `code`; messages say what, where and what to do. */
export class ObserveBridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or usage: the CLI exits with code 2. */
export class ConfigError extends ObserveBridgeError {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super('config_invalid', message);
  }
}

/** An error that will recur on the same input: retrying cannot help. */
export class PermanentError extends ObserveBridgeError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
