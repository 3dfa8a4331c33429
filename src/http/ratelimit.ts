import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../shared/problem.ts';

/**
 * A fixed-window limit per client address for public routes (webhooks, unsubscribe links): more than
 * `limit` calls in `windowMs` answer 429 with Retry-After (a limit of 0 is none). Kept in the process's
 * memory, so each server process counts on its own.
 */
export function rateLimit(options: {
  limit: number;
  windowMs: number;
  name: string;
  /** What a person reads when limited (the debtor portal speaks pt-BR); `{seconds}` is replaced. */
  detail?: string;
}) {
  const windows = new Map<string, { start: number; count: number }>();
  let sweep = Date.now();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (options.limit <= 0) return;
    const now = Date.now();
    if (now - sweep > options.windowMs) {
      for (const [key, w] of windows) if (now - w.start >= options.windowMs) windows.delete(key);
      sweep = now;
    }
    const key = request.ip;
    const current = windows.get(key);
    const window = current && now - current.start < options.windowMs ? current : { start: now, count: 0 };
    window.count++;
    windows.set(key, window);
    if (window.count > options.limit) {
      const retryAfter = Math.ceil((window.start + options.windowMs - now) / 1000);
      reply.header('retry-after', String(retryAfter));
      request.log.warn({ limit: options.name }, 'rate limit reached');
      throw new Problem(
        429,
        'Too many requests',
        options.detail?.replace('{seconds}', String(retryAfter)) ??
          `too many calls to ${options.name}; try again in ${retryAfter} s`,
      );
    }
  };
}
