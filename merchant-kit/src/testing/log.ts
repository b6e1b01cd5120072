/**
 * A logger that keeps what it is told, for tests that read the publisher's log (server-kit's
 * `Logger` interface; no level threshold, nothing printed).
 */
import type { Level, Logger } from '@netcash/server-kit';

export interface LogEntry {
  readonly level: Level;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, msg, fields: { ...fields } });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return { logger, entries };
}
