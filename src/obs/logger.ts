import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON logs to stderr (stdout is reserved for command output and --json documents). */
export function createLogger(level = 'info', destination: DestinationStream = pino.destination(2)): Logger {
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
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
