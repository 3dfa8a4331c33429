/** An error a person or an integrator can act on; rendered as RFC 9457 problem+json by the HTTP layer. */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly extra: Record<string, unknown>;
  constructor(status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.extra = extra;
  }
}

export const notFound = (what: string) => new Problem(404, 'Not found', `${what} was not found`);
export const badRequest = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(400, 'Bad request', detail, extra);
export const forbidden = (detail: string) => new Problem(403, 'Forbidden', detail);
export const conflict = (detail: string) => new Problem(409, 'Conflict', detail);
