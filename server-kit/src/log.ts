/**
 * Structured logs: one JSON object per line on stderr (`{"t", "level", "server", "msg", ...}`),
 * so `netcash up` output can be grepped and shipped. `NETCASH_LOG=silent|error|info|debug`.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<Level | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(server: string): Logger;
  /**
   * False when lines of `level` are dropped anyway, so a caller can skip building their fields
   * (the request log, once per request). Absent: assume they are written.
   */
  enabled?(level: Level): boolean;
}

function threshold(): number {
  const level = (process.env.NETCASH_LOG ?? 'info') as Level | 'silent';
  return ORDER[level] ?? ORDER.info;
}

export function createLogger(
  server: string,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = threshold();
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    write(`${JSON.stringify({ t: new Date().toISOString(), level, server, msg, ...fields })}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (name) => createLogger(name, write),
    enabled: (level) => ORDER[level] >= min,
  };
}

/** A logger that drops everything (tests, the in-process federation harness). */
export function silentLogger(): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    child: () => logger,
    enabled: () => false,
  };
  return logger;
}
