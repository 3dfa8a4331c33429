import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let call: Awaited<ReturnType<typeof loginAs>>;
let operations: { method: string; path: string }[] = [];

beforeAll(async () => {
  app = await startTestApp({ maxUploadMb: 1 });
  call = await loginAs(app.url, app.seeded.users.manager);
  const spec = (await (await fetch(`${app.url}/docs/json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  operations = Object.entries(spec.paths)
    .flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    )
    // Logging out would end the session the other calls use.
    .filter((o) => !(o.method === 'DELETE' && o.path === '/api/v1/session'));
});
afterAll(() => app.close());

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' or 1=1 --",
    '"; drop table receivables; --',
    '../../etc/passwd',
    '%00',
    '<script>alert(1)</script>',
    '-1',
    '0',
    '99999999999999999999999',
    '1e309',
    'NaN',
    '{}',
    '[]',
    'null',
    '\uFEFF',
    '9'.repeat(2000),
  ),
);

const body = fc.oneof(
  fc.constant(undefined),
  hostile,
  fc.json({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'email',
      'password',
      'slug',
      'name',
      'role',
      'cnpj',
      'legalName',
      'receivables',
      'creditorIds',
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

const contentType = fc.constantFrom(
  'application/json',
  'text/csv',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/xml',
  '',
);

describe('every endpoint under hostile input', () => {
  it('never answers 5xx, and answers every error as problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        hostile,
        fc.dictionary(
          fc.constantFrom(
            'creditorId',
            'status',
            'dueFrom',
            'dpdMin',
            'q',
            'cursor',
            'limit',
            'wait',
            'mapping',
            'asOf',
            'beforeSeq',
          ),
          hostile,
          { maxKeys: 3 },
        ),
        body,
        contentType,
        async (pick, id, query, payload, type) => {
          const operation = operations[pick % operations.length];
          if (!operation) return;
          const path = operation.path.replace('{id}', encodeURIComponent(id));
          const search = new URLSearchParams(query).toString();
          const headers: Record<string, string> = type ? { 'content-type': type } : {};
          const hasBody =
            operation.method !== 'GET' && operation.method !== 'DELETE' && payload !== undefined;
          const response = await call(`${path}${search ? `?${search}` : ''}`, {
            method: operation.method,
            headers,
            body: hasBody ? (typeof payload === 'string' ? payload : JSON.stringify(payload)) : undefined,
          });
          const text = await response.text();
          expect(
            response.status,
            `${operation.method} ${path}?${search} -> ${text.slice(0, 300)}`,
          ).toBeLessThan(500);
          if (response.status >= 400)
            expect(response.headers.get('content-type')).toContain('application/problem+json');
        },
      ),
      { numRuns: 400 },
    );
  });
});
