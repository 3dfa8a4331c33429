import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { tenantQuery } from '../db/tenant.ts';
import { requireScope } from '../http/auth.ts';
import {
  Count,
  Id,
  IdParams,
  Import,
  ImportError,
  ImportPreview as ImportPreviewSchema,
  Problem as ProblemSchema,
} from '../http/schemas.ts';
import type { App, AppContext } from '../http/types.ts';
import { enqueue } from '../jobs/queue.ts';
import { findCreditor } from '../portfolio/creditors.ts';
import {
  auditExport,
  csvFilename,
  EXPORT_BATCH_SIZE,
  keysetAfter,
  offsetPages,
  sendCsv,
} from '../shared/csvExport.ts';
import { todayIn } from '../shared/dates.ts';
import { badRequest, Problem } from '../shared/problem.ts';
import { HeaderError } from './columns.ts';
import { IMPORT_COLUMNS, IMPORT_ERROR_COLUMNS } from './csvViews.ts';
import { IMPORT_JOB, storeFile } from './jobs.ts';
import { previewCsv } from './preview.ts';
import {
  createImport,
  getImport,
  type ImportRecord,
  importErrorsAfter,
  listImportErrors,
  listImports,
} from './run.ts';

const RAW_TYPES = [
  'text/csv',
  'text/plain',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

class UploadTooLarge extends Error {}

async function* limited(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new UploadTooLarge();
    yield chunk;
  }
}

/** The uploaded file of a multipart form, or a clear 400 when the form is malformed or has none. */
async function readUpload(request: FastifyRequest, maxBytes: number) {
  let file: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    file = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 413) throw error;
    throw badRequest(`the upload is not valid multipart/form-data: ${(error as Error).message}`);
  }
  if (!file) throw badRequest('the form has no "file" field');
  return file;
}

function parseMapping(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => typeof v === 'string')
    ) {
      return value as Record<string, string>;
    }
  } catch {
    // fall through
  }
  throw badRequest('mapping must be a JSON object of field name to column header, e.g. {"dueDate":"VENCTO"}');
}

export function importRoutes(app: App, { db, config, wakeWorker }: AppContext) {
  // CSV bodies are streamed to the database as they arrive, never buffered whole.
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => done(null, payload));

  app.post(
    '/api/v1/imports',
    {
      config: { permission: 'imports:write' },
      bodyLimit: config.maxUploadBytes,
      schema: {
        tags: ['imports'],
        summary: 'Import receivables from a CSV file or a JSON batch',
        description:
          'Send a CSV as multipart/form-data (field "file", optional field "mapping") or as a text/csv body, or a JSON batch ' +
          '(an array of receivables or {"receivables":[...]}). The import runs in the background: poll GET /api/v1/imports/{id}, ' +
          'or pass wait=true to get the finished import in the response. Importing the same data again changes nothing.',
        querystring: Type.Object({
          creditorId: Type.Optional(Type.String({ description: 'creditor id or CNPJ' })),
          creditor: Type.Optional(Type.String({ description: 'alias of creditorId' })),
          filename: Type.Optional(Type.String({ maxLength: 255 })),
          mapping: Type.Optional(Type.String({ description: 'JSON object: field name -> column header' })),
          wait: Type.Optional(Type.Boolean({ default: false })),
        }),
        response: { 201: Import, 202: Import, 400: ProblemSchema, 413: ProblemSchema },
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      let creditorRef = request.query.creditorId ?? request.query.creditor;
      let mapping = parseMapping(request.query.mapping);
      let filename = request.query.filename ?? null;
      let format: 'csv' | 'json';
      let bytes: AsyncIterable<Uint8Array>;
      let declaredSize: number | null = Number(request.headers['content-length']) || null;

      if (request.isMultipart()) {
        const file = await readUpload(request, config.maxUploadBytes);
        const field = (name: string) => {
          const value = file.fields[name];
          return value && !Array.isArray(value) && value.type === 'field' ? String(value.value) : undefined;
        };
        creditorRef ??= field('creditorId') ?? field('creditor');
        if (field('mapping')) mapping = parseMapping(field('mapping'));
        filename ??= file.filename || null;
        format = /\.json$/i.test(file.filename) || file.mimetype === 'application/json' ? 'json' : 'csv';
        bytes = file.file;
      } else if (request.headers['content-type']?.startsWith('application/json')) {
        format = 'json';
        const body = Buffer.from(JSON.stringify(request.body ?? null));
        declaredSize = body.byteLength;
        bytes = (async function* () {
          yield body;
        })();
      } else if (RAW_TYPES.some((t) => request.headers['content-type']?.startsWith(t))) {
        format = 'csv';
        bytes = request.body as Readable;
      } else {
        throw new Problem(
          415,
          'Unsupported media type',
          'send multipart/form-data, text/csv or application/json',
        );
      }
      if (!creditorRef)
        throw badRequest('say which creditor the receivables belong to: ?creditorId=ID or CNPJ');
      const creditor = await findCreditor(db, scope, creditorRef);

      const importId = await createImport(db, scope, {
        creditorId: creditor.id,
        source: format,
        filename,
        mapping,
        totalBytes: declaredSize,
      });
      try {
        const size = await storeFile(db, scope.orgId, importId, limited(bytes, config.maxUploadBytes));
        // A multipart file stream stops at the size limit and says so with `truncated` instead of failing.
        if ((bytes as { truncated?: boolean }).truncated === true) throw new UploadTooLarge();
        await tenantQuery(db, scope, 'update imports set total_bytes = $3 where org_id = $1 and id = $2', [
          scope.orgId,
          importId,
          size,
        ]);
      } catch (error) {
        await tenantQuery(db, scope, 'delete from imports where org_id = $1 and id = $2', [
          scope.orgId,
          importId,
        ]);
        const code = (error as { code?: string }).code;
        if (error instanceof UploadTooLarge || code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new Problem(
            413,
            'Upload too large',
            `the file is larger than ${Math.round(config.maxUploadBytes / 1048576)} MB; split it into smaller files`,
          );
        }
        throw error;
      }
      await enqueue(db, { kind: IMPORT_JOB, orgId: scope.orgId, payload: { importId, format, mapping } });
      wakeWorker();

      reply.header('location', `/api/v1/imports/${importId}`);
      if (!request.query.wait) return reply.code(202).send(await getImport(db, scope, importId));
      let current: ImportRecord = await getImport(db, scope, importId);
      const deadline = Date.now() + 30 * 60_000;
      while (current.status !== 'completed' && current.status !== 'failed' && Date.now() < deadline) {
        await sleep(100);
        current = await getImport(db, scope, importId);
      }
      return reply
        .code(current.status === 'completed' || current.status === 'failed' ? 201 : 202)
        .send(current);
    },
  );

  app.post(
    '/api/v1/imports/preview',
    {
      config: { permission: 'imports:write' },
      bodyLimit: config.maxUploadBytes,
      schema: {
        tags: ['imports'],
        summary: 'Read the start of a CSV and say how it would be imported',
        description:
          'Send the first part of the file (a few KB is enough) as text/csv or multipart/form-data. The answer gives the ' +
          'encoding and delimiter found, the headers, which column feeds each field, the required fields still missing and ' +
          'a few sample rows, so the mapping can be fixed before the whole file is sent. Nothing is stored.',
        querystring: Type.Object({ mapping: Type.Optional(Type.String()) }),
        response: { 200: ImportPreviewSchema, 400: ProblemSchema },
      },
    },
    async (request) => {
      const _scope = requireScope(request);
      let mapping = parseMapping(request.query.mapping);
      let bytes: AsyncIterable<Uint8Array>;
      if (request.isMultipart()) {
        const file = await readUpload(request, config.maxUploadBytes);
        const field = file.fields.mapping;
        if (field && !Array.isArray(field) && field.type === 'field')
          mapping = parseMapping(String(field.value));
        bytes = file.file;
      } else if (RAW_TYPES.some((t) => request.headers['content-type']?.startsWith(t))) {
        bytes = request.body as Readable;
      } else {
        throw new Problem(
          415,
          'Unsupported media type',
          'send the start of the file as text/csv or multipart/form-data',
        );
      }
      let preview: Awaited<ReturnType<typeof previewCsv>>;
      try {
        // Only the start is read; a sender of the whole file gets its answer all the same.
        preview = await previewCsv(limited(bytes, 1024 * 1024), mapping);
      } catch (error) {
        if (error instanceof HeaderError) throw badRequest(error.message);
        throw error;
      }
      if (!preview) throw badRequest('the file is empty');
      return preview;
    },
  );

  app.get(
    '/api/v1/imports',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: 'Recent imports',
        querystring: Type.Object({
          creditorId: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Import) }) },
      },
    },
    async (request) => ({ items: await listImports(db, requireScope(request), request.query) }),
  );

  app.get(
    '/api/v1/imports/export.csv',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: 'Every import (newest first) with its counts, as CSV',
        querystring: Type.Object({ creditorId: Type.Optional(Id) }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      return sendCsv(reply, {
        filename: csvFilename('importacoes', todayIn(scope.timeZone)),
        columns: IMPORT_COLUMNS,
        timeZone: scope.timeZone,
        rows: offsetPages(
          (offset, limit) => listImports(db, scope, { ...request.query, offset, limit }),
          200,
        ),
      });
    },
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: 'One import with its progress and counts',
        params: IdParams,
        response: { 200: Import },
      },
    },
    async (request) => getImport(db, requireScope(request), request.params.id),
  );

  app.get(
    '/api/v1/imports/:id/errors',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: 'The rejected rows of an import: line, column, value and reason',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
          offset: Type.Optional(Count(10_000_000, { default: 0 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ImportError), total: Type.Integer() }) },
      },
    },
    async (request) => listImportErrors(db, requireScope(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/imports/:id/errors/export.csv',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: 'Every rejected row of an import, in file order, as CSV (streamed; audited)',
        params: IdParams,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const id = request.params.id;
      return sendCsv(reply, {
        filename: csvFilename(`importacao-${id}-erros`, todayIn(scope.timeZone)),
        columns: IMPORT_ERROR_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (afterSeq: number | undefined, limit) => importErrorsAfter(db, scope, id, afterSeq, limit),
          (last) => last.seq,
          EXPORT_BATCH_SIZE,
        ),
        beforeSend: () => auditExport(db, scope, { view: 'import_errors', filters: { importId: id } }),
      });
    },
  );
}
