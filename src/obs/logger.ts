import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs to stderr (stdout is reserved for command output and --json documents). */
export function createLogger(level = 'info'): Logger {
  return pino(
    {
      level,
      base: { app: 'observebridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets must never reach logs, whatever an error object carries.
      redact: {
        paths: ['*.password', '*.token', '*.authorization', '*.headers.authorization', 'password', 'token'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
