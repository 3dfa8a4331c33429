import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { exportSubjectData } from './export.ts';

export function lgpdRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/lgpd/subjects/:document/export',
    {
      config: { permission: 'lgpd:manage' },
      schema: {
        tags: ['lgpd'],
        summary:
          'Everything held about a CPF/CNPJ (LGPD art. 18, access request), by controller; the export is audited',
        params: Type.Object({ document: Type.String({ maxLength: 20 }) }),
      },
    },
    async (request, reply) => {
      const data = await exportSubjectData(db, requireScope(request), request.params.document);
      reply.header('content-disposition', `attachment; filename="lgpd-${data.subject.document}.json"`);
      return data;
    },
  );
}
