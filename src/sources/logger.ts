/** The slice of a pino logger sources use (so sources do not depend on the app's logger setup). */
export interface SourceLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
