/** The one fetch wrapper: JSON in and out, errors as ApiError with the server's code, message and field details. */
export interface FieldIssue {
  path: string;
  message: string;
  /** A named rule (errors.rule.* in the portal's messages) when the server gives one. */
  rule?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }
  /** A 404 from the router itself: the feature is not deployed on this server yet. */
  get routeMissing(): boolean {
    return this.status === 404 && this.message.startsWith('No route');
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  // A FormData body (files) sets its own multipart content type with the boundary.
  const form = options.body instanceof FormData ? options.body : undefined;
  if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  // Double-submit CSRF protection: echo the portal_csrf cookie the server set at sign-in.
  const csrf = /(?:^|;\s*)portal_csrf=([^;]+)/.exec(document.cookie)?.[1];
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
  const response = await fetch(path, {
    method,
    headers,
    body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML error page: fall back to the status text
  }
  if (response.ok && !(response.headers.get('content-type') ?? '').includes('json')) {
    // An HTML page where JSON was expected: a server without this API route answered with the portal.
    throw new ApiError(404, 'NOT_FOUND', `No route ${options.method ?? 'GET'} ${path}`);
  }
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
      ?.error;
    const details = Array.isArray(error?.details) ? (error.details as FieldIssue[]) : [];
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
      details,
    );
  }
  return payload as T;
}

/**
 * Maps server validation details to form fields: `/citizen/email` → `citizen.email`;
 * "must have required property 'title'" at the root → `title`.
 */
export function fieldErrors(
  error: unknown,
  text: (issue: FieldIssue) => string = (issue) => issue.message,
): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const result: Record<string, string> = {};
  for (const issue of error.details) {
    let path = (issue.path ?? '').replace(/^\//, '').replaceAll('/', '.');
    const required = /required property '([^']+)'/.exec(issue.message ?? '');
    if (required) path = path ? `${path}.${required[1]}` : (required[1] ?? '');
    if (path && !result[path]) result[path] = text(issue);
  }
  return result;
}

export const isUnauthenticated = (error: unknown) => error instanceof ApiError && error.status === 401;

/** A request body with files: multipart with the JSON as `payload` and each file as `files`; JSON without. */
export function withFiles(body: unknown, files: readonly File[]): unknown {
  if (files.length === 0) return body;
  const form = new FormData();
  form.append('payload', JSON.stringify(body));
  for (const file of files) form.append('files', file, file.name);
  return form;
}

/** Fetches a file the way the API authorises it (session cookie or the citizen's access code) as a Blob. */
export async function fetchFile(path: string, headers: Record<string, string> = {}): Promise<Blob> {
  const response = await fetch(path, { headers, credentials: 'same-origin' });
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
  return response.blob();
}
