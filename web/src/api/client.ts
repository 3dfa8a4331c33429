import type { Problem } from './types.ts';

/** Error thrown for any non-2xx API response (RFC 9457 problem+json when the server sends one). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** Thrown when the request never reached the server (offline, DNS, connection refused). */
export class NetworkError extends Error {
  constructor() {
    super('Não foi possível conectar ao servidor. Verifique sua conexão e tente novamente.');
    this.name = 'NetworkError';
  }
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds a Problem from whatever the server answered (JSON problem, other JSON, text or nothing). */
export function toProblem(status: number, statusText: string, bodyText: string): Problem {
  if (bodyText.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(bodyText);
      if (isRecord(parsed)) {
        const problem: Problem = { status };
        if (typeof parsed.type === 'string') problem.type = parsed.type;
        if (typeof parsed.title === 'string') problem.title = parsed.title;
        if (typeof parsed.detail === 'string') problem.detail = parsed.detail;
        // Fastify's default error shape is { error, message }.
        if (problem.title === undefined && typeof parsed.error === 'string') problem.title = parsed.error;
        if (problem.detail === undefined && typeof parsed.message === 'string')
          problem.detail = parsed.message;
        if (parsed.errors !== undefined) problem.errors = parsed.errors;
        // Invalid cadence (422): each problem with the path of the step or setting it concerns.
        if (Array.isArray(parsed.problems)) problem.problems = parsed.problems;
        if (parsed.totpRequired === true) problem.totpRequired = true;
        return problem;
      }
    } catch {
      // Not JSON: fall through.
    }
  }
  return { status, title: statusText || `Erro HTTP ${status}` };
}

type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      if (Array.isArray(value)) {
        if (value.length > 0) params.set(key, value.join(','));
      } else {
        params.set(key, String(value));
      }
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The CSRF token the server sets at login (cookie `regua_csrf`), sent back on every write. */
export function csrfToken(): string | null {
  const match = /(?:^|;\s*)regua_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export async function apiFetch<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { query?: Query; body?: unknown; blob?: Blob; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  const csrf = method === 'GET' ? null : csrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  if (options.blob !== undefined) {
    // Raw body (e.g. the start of a CSV file), sent with the blob's own content type.
    headers['content-type'] = options.blob.type || 'application/octet-stream';
    init.body = options.blob;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError();
  }
  const text = await response.text();
  if (!response.ok)
    throw new ApiError(response.status, toProblem(response.status, response.statusText, text));
  if (response.status === 204 || text === '') return undefined as T;
  return JSON.parse(text) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    apiFetch<T>('GET', path, signal ? { query, signal } : { query }),
  post: <T>(path: string, body?: unknown) => apiFetch<T>('POST', path, { body }),
  /** POSTs a Blob as the raw request body (its `type` is the content type). */
  postBlob: <T>(path: string, blob: Blob, query?: Query, signal?: AbortSignal) =>
    apiFetch<T>('POST', path, signal ? { blob, query, signal } : { blob, query }),
  put: <T>(path: string, body?: unknown) => apiFetch<T>('PUT', path, { body }),
  /** DELETE, with an optional JSON body (e.g. the confirmation code to turn the second factor off). */
  delete: <T>(path: string, body?: unknown) => apiFetch<T>('DELETE', path, { body }),
};

/**
 * Upload through XMLHttpRequest, because fetch() cannot report upload progress: multipart when given a
 * FormData, else the raw bytes as `application/octet-stream`. `onProgress` receives a fraction (0 to 1).
 */
export function uploadFile<T>(
  url: string,
  body: FormData | Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = false; // same-origin: cookies are sent anyway.
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    if (!(body instanceof FormData)) xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      const text = xhr.responseText;
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((text ? JSON.parse(text) : undefined) as T);
        } catch {
          reject(new ApiError(xhr.status, { status: xhr.status, title: 'Resposta inválida do servidor' }));
        }
      } else {
        reject(new ApiError(xhr.status, toProblem(xhr.status, xhr.statusText, text)));
      }
    };
    xhr.onerror = () => reject(new NetworkError());
    xhr.onabort = () => reject(new DOMException('Envio cancelado', 'AbortError'));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

/** A file the server sent: its bytes and the name from `content-disposition` (or the fallback). */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Fall back to the plain filename.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/**
 * GETs a file (JSON, PDF...) with the session cookie, so errors come back as ApiError (shown in the page)
 * instead of the browser navigating to an error body. Save it with `saveFile`.
 */
export async function apiDownload(path: string, fallbackName: string): Promise<DownloadedFile> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'GET',
      credentials: 'same-origin',
      headers: { accept: '*/*' },
    });
  } catch {
    throw new NetworkError();
  }
  if (!response.ok) {
    const text = await response.text();
    throw new ApiError(response.status, toProblem(response.status, response.statusText, text));
  }
  const blob = await response.blob();
  return { blob, filename: filenameFrom(response.headers.get('content-disposition'), fallbackName) };
}

/** Hands a downloaded file to the browser's "save" (a temporary link with `download`). */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
