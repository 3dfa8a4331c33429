import { Type } from '@sinclair/typebox';
import { tenantQuery } from '../db/tenant.ts';
import { requireScope } from '../http/auth.ts';
import { Id } from '../http/schemas.ts';
import type { App, AppContext } from '../http/types.ts';
import type { AuditRecord } from './log.ts';

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
  actor: Type.String({ description: 'user:ID, api_key:ID, cli or system' }),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  hash: Type.String(),
});

export function auditRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'The organization’s audit trail, newest first (hash-chained; see regua audit verify)',
        querystring: Type.Object({
          beforeSeq: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Entry) }) },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      const items = await tenantQuery<AuditRecord>(
        db,
        scope,
        `select seq, at, actor, action, entity, entity_id as "entityId", before, after, hash
           from audit_log where org_id = $1 and ($2::bigint is null or seq < $2) order by seq desc limit $3`,
        [scope.orgId, request.query.beforeSeq ?? null, request.query.limit ?? 100],
      );
      return { items };
    },
  );
}
