/**
 * How the launchers show their children's logs. The API and worker write pino JSON; in production that
 * JSON goes out unchanged (for a log collector), in development each entry becomes one short line:
 * request logs are left out unless they are errors (LOG_REQUESTS=true shows all), warnings and errors
 * stand out, and URLs are kept whole.
 */
export type LogFormat = 'pretty' | 'json';

export function logFormatFrom(env: NodeJS.ProcessEnv): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return env.NODE_ENV === 'production' ? 'json' : 'pretty';
}

interface PinoEntry {
  level?: number;
  time?: number;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; type?: string };
  [key: string]: unknown;
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const PINO_FIELDS = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'reqId',
  'req',
  'res',
  'responseTime',
  'err',
]);

const paint = (code: number, text: string, color: boolean) =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;

/** One child's output line as the terminal shows it; undefined leaves it out. */
export function prettyLogLine(
  source: string,
  line: string,
  options: { color?: boolean; showRequests?: boolean } = {},
): string | undefined {
  const color = options.color ?? false;
  const trimmed = line.trimEnd();
  if (!trimmed) return undefined;
  let entry: PinoEntry;
  try {
    entry = JSON.parse(trimmed) as PinoEntry;
    if (typeof entry !== 'object' || entry === null || typeof entry.level !== 'number')
      throw new Error('not pino');
  } catch {
    // The Temporal SDK's own lines: its INFO chatter (worker state changes) is left out, warnings kept.
    if (/^\S+Z \[(INFO|DEBUG|TRACE)\]/.test(trimmed)) return undefined;
    return `${paint(2, source.padEnd(8), color)} ${trimmed}`;
  }
  const level = entry.level ?? 30;
  const status = entry.res?.statusCode;
  if (entry.msg === 'incoming request' && !options.showRequests) return undefined;
  if (entry.msg === 'request completed' && !options.showRequests && (status ?? 0) < 500) return undefined;
  const time = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
  let text: string;
  if (entry.msg === 'request completed' || entry.msg === 'incoming request') {
    text =
      `${entry.req?.method ?? ''} ${entry.req?.url ?? ''} ${status ?? ''} ${entry.responseTime !== undefined ? `${Math.round(entry.responseTime)} ms` : ''}`.trim();
  } else {
    const extra = Object.entries(entry)
      .filter(([key, value]) => !PINO_FIELDS.has(key) && value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    text = [
      entry.msg ?? '',
      entry.err?.message ? `: ${entry.err.message}` : '',
      extra.length ? `  ${extra.join(' ')}` : '',
    ].join('');
  }
  const label = LEVELS[level] ?? String(level);
  const problem = level >= 50 || (status ?? 0) >= 500;
  const body = `${level >= 40 ? `${label} ` : ''}${text}`;
  const shown = problem ? paint(31, body, color) : level >= 40 ? paint(33, body, color) : body;
  return `${paint(2, time, color)} ${paint(2, source.padEnd(8), color)} ${shown}`;
}

/** Calls `onLine` with each complete line of a stream of chunks. */
export function splitLines(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
}
