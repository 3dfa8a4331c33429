import { createHash } from 'node:crypto';
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { parseTaxId } from '../shared/documents.ts';
import { badRequest } from '../shared/problem.ts';

export type SubjectExport = {
  subject: { document: string; kind: 'person' | 'company' };
  generatedAt: string;
  organization: { name: string };
  /** One entry per client company (controller) that holds data about the subject. */
  controllers: {
    creditor: { legalName: string; cnpj: string };
    debtor: Record<string, unknown>;
    receivables: Record<string, unknown>[];
    changes: Record<string, unknown>[];
    consents: Record<string, unknown>[];
    /** Contacts made (channel, status, when, what was said) and why, and the holds on the cadence. */
    messages: Record<string, unknown>[];
    holds: Record<string, unknown>[];
    calls: Record<string, unknown>[];
    /** Agreements made, with their payments, and the recovered-customer follow-ups. */
    agreements: Record<string, unknown>[];
    recoveries: Record<string, unknown>[];
    /**
     * The automated assessment of payment (src/scoring, LGPD art. 20): probability, expected recovery,
     * the factors behind it and the model or rules that made it; empty when the debtor has none.
     */
    scores: Record<string, unknown>[];
    /** Portal access checks (where the code went, masked) and requests for help written there. */
    portal: { accesses: Record<string, unknown>[]; requests: Record<string, unknown>[] };
  }[];
  /** Rows of import files that were rejected and mention the subject's document (kept as sent). */
  rejectedImportRows: {
    importId: number;
    line: number;
    column: string | null;
    value: string | null;
    reason: string;
  }[];
};

/** A reference to a person that can sit in the audit trail without spreading the document itself. */
export function subjectReference(document: string): string {
  return `sha256:${createHash('sha256').update(document).digest('hex').slice(0, 16)}`;
}

/**
 * Everything the organization holds about one CPF/CNPJ (LGPD art. 18 II, access), grouped by the client
 * company that is its controller. The export itself is recorded in the audit trail.
 */
export async function exportSubjectData(
  db: Database,
  scope: Scope,
  documentInput: string,
): Promise<SubjectExport> {
  const parsed = parseTaxId(documentInput);
  if (!parsed.ok) throw badRequest(`"${documentInput}" is not a valid CPF or CNPJ: ${parsed.reason}`);
  const { value: document, kind } = parsed.taxId;
  return withTenant(db, scope.orgId, async (tx) => {
    const [org] = await tx.query<{ name: string }>('select name from organizations where id = $1', [
      scope.orgId,
    ]);
    const debtors = await tx.query<
      Record<string, unknown> & { id: number; creditor_id: number; legal_name: string; cnpj: string }
    >(
      `select d.*, c.legal_name, c.cnpj from debtors d join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
        where d.org_id = $1 and d.document = $2 and ($3::bigint[] is null or d.creditor_id = any($3)) order by c.legal_name`,
      [scope.orgId, document, scope.creditorIds],
    );
    const controllers: SubjectExport['controllers'] = [];
    for (const { legal_name, cnpj, org_id: _org, ...debtor } of debtors) {
      const receivables = await tx.query<Record<string, unknown>>(
        `select id, external_id, document_number, installment_number, installment_count, issue_date, due_date,
                original_cents, open_cents, status, nosso_numero, pix_txid, description, created_at, updated_at
           from receivables where org_id = $1 and debtor_id = $2 order by due_date, id`,
        [scope.orgId, debtor.id],
      );
      const changes = await tx.query<Record<string, unknown>>(
        `select c.receivable_id, c.import_id, c.changes, c.changed_at from receivable_changes c
           join receivables r on r.org_id = c.org_id and r.id = c.receivable_id
          where c.org_id = $1 and r.debtor_id = $2 order by c.id`,
        [scope.orgId, debtor.id],
      );
      const consents = await tx.query<Record<string, unknown>>(
        'select channel, event, source, actor, at from consent_events where org_id = $1 and debtor_id = $2 order by id',
        [scope.orgId, debtor.id],
      );
      const messages = await tx.query<Record<string, unknown>>(
        `select channel, purpose, status, to_address, subject, body, plan_date, sent_at, delivered_at, read_at, why
           from outbound_messages where org_id = $1 and debtor_id = $2 order by id`,
        [scope.orgId, debtor.id],
      );
      const holds = await tx.query<Record<string, unknown>>(
        `select kind, until_date, amount_cents, reason, created_at, released_at from collection_holds
          where org_id = $1 and debtor_id = $2 order by id`,
        [scope.orgId, debtor.id],
      );
      const calls = await tx.query<Record<string, unknown>>(
        `select phone, status, outcome, note, promise_date, promise_cents, created_at, done_at from collector_tasks
          where org_id = $1 and debtor_id = $2 order by id`,
        [scope.orgId, debtor.id],
      );
      const agreements = await tx.query<Record<string, unknown>>(
        `select a.id, a.status, a.offer_key, a.as_of, a.updated_cents, a.discount_cents, a.total_cents, a.explanation,
                a.created_by, a.created_at, a.ended_at, a.end_reason,
                (select jsonb_agg(jsonb_build_object('number', i.number, 'due_date', i.due_date,
                                  'amount_cents', i.amount_cents) order by i.number)
                   from agreement_installments i where i.org_id = a.org_id and i.agreement_id = a.id) as installments
           from agreements a where a.org_id = $1 and a.debtor_id = $2 order by a.id`,
        [scope.orgId, debtor.id],
      );
      const recoveries = await tx.query<Record<string, unknown>>(
        `select recovered_on, follow_until, reason, recovered_cents from recoveries
          where org_id = $1 and debtor_id = $2 order by id`,
        [scope.orgId, debtor.id],
      );
      const portal = await tx.query<Record<string, unknown>>(
        `select channel, sent_to, created_at, session_expires_at is not null as signed_in from portal_sessions
          where org_id = $1 and debtor_id = $2 order by id`,
        [scope.orgId, debtor.id],
      );
      const requests = await tx.query<Record<string, unknown>>(
        `select kind, body, received_at from inbound_messages
          where org_id = $1 and channel = 'portal' and from_address = $2 order by id`,
        [scope.orgId, `debtor:${debtor.id}`],
      );
      const scores = await tx.query<Record<string, unknown>>(
        `select s.probability, s.open_cents, s.expected_recovery_cents, s.factors, s.as_of, s.scored_at,
                m.kind as model_kind, m.auc as model_auc, m.reason as model_reason, m.trained_at as model_trained_at
           from debtor_scores s join score_models m on m.org_id = s.org_id and m.id = s.model_id
          where s.org_id = $1 and s.debtor_id = $2`,
        [scope.orgId, debtor.id],
      );
      controllers.push({
        creditor: { legalName: legal_name, cnpj },
        debtor,
        receivables,
        changes,
        consents,
        messages,
        holds,
        calls,
        agreements,
        recoveries,
        scores,
        portal: { accesses: portal, requests },
      });
    }
    const rejectedImportRows = await tx.query<SubjectExport['rejectedImportRows'][number]>(
      `select e.import_id as "importId", e.line, e."column", e.value, e.reason from import_errors e
         join imports i on i.org_id = e.org_id and i.id = e.import_id
        where e.org_id = $1 and e.subject_document = $2 and ($3::bigint[] is null or i.creditor_id = any($3))
        order by e.import_id, e.seq`,
      [scope.orgId, document, scope.creditorIds],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'lgpd.subject_exported',
      entity: 'subject',
      entityId: subjectReference(document),
      after: {
        controllers: controllers.length,
        receivables: controllers.reduce((n, c) => n + c.receivables.length, 0),
      },
    });
    return {
      subject: { document, kind },
      generatedAt: new Date().toISOString(),
      organization: { name: org?.name ?? '' },
      controllers,
      rejectedImportRows,
    };
  });
}
