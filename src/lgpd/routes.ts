import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { anonymizeSubject } from './anonymize.ts';
import { exportSubjectData } from './export.ts';
import { subjectExportPdf } from './pdf.ts';

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

  app.get(
    '/api/v1/lgpd/subjects/:document/export.pdf',
    {
      config: { permission: 'lgpd:manage' },
      schema: {
        tags: ['lgpd'],
        summary: 'The same access export as a readable PDF (LGPD art. 19); audited',
        params: Type.Object({ document: Type.String({ maxLength: 20 }) }),
      },
    },
    async (request, reply) => {
      const data = await exportSubjectData(db, requireScope(request), request.params.document);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="lgpd-${data.subject.document}.pdf"`)
        .send(subjectExportPdf(data));
    },
  );

  app.post(
    '/api/v1/lgpd/subjects/:document/anonymize',
    {
      config: { permission: 'lgpd:manage' },
      schema: {
        tags: ['lgpd'],
        summary:
          'Erasure request (LGPD art. 18 IV, VI): kept while a debt is open, contacts erased once it closed, anonymized after the 5-year retention',
        params: Type.Object({ document: Type.String({ maxLength: 20 }) }),
        response: {
          200: Type.Object({
            document: Type.String(),
            debtors: Type.Array(
              Type.Object({
                debtorId: Type.Integer(),
                creditor: Type.String(),
                status: Type.String({ description: 'anonymized, contacts_erased or kept' }),
                reason: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => anonymizeSubject(db, requireScope(request), request.params.document),
  );
}
