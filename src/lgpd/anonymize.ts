import { type Scope, scopeFor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { parseTaxId } from '../shared/documents.ts';
import { badRequest } from '../shared/problem.ts';
import { subjectReference } from './export.ts';

/** Financial records, notices and message logs are kept this long after the debt closes (see LGPD.md). */
export const RETENTION_YEARS = 5;
export const ANONYMIZED_NAME = 'Titular anonimizado';

export type AnonymizationOutcome = {
  debtorId: number;
  creditor: string;
  status: 'anonymized' | 'contacts_erased' | 'kept';
  /** In pt-BR, for the person who asked. */
  reason: string;
};

type DebtorState = {
  id: number;
  creditor: string;
  open: number;
  closedAt: Date | null;
  document: string;
  kind: string;
};

const brDate = (d: Date) => new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo' }).format(d);

function addYears(date: Date, years: number): Date {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Erases the ways to reach the debtor: e-mails, phones, WhatsApp, address, and the numbers on calls. */
async function eraseContacts(tx: SqlExecutor, orgId: number, debtorId: number) {
  await tx.query(
    `update debtors set emails = '{}', phones = '{}', whatsapp = null, street = null, number = null, complement = null,
            district = null, city = null, cep = null, tags = '{}', updated_at = now()
      where org_id = $1 and id = $2`,
    [orgId, debtorId],
  );
  await tx.query(`update collector_tasks set phone = null where org_id = $1 and debtor_id = $2`, [
    orgId,
    debtorId,
  ]);
}

/**
 * Anonymizes one debtor record for good: name and document replaced, contacts erased, and the contents
 * of messages, replies, call scripts and rejected import rows that could identify the person removed.
 * Amounts, dates and statuses stay, so the portfolio's figures do not change.
 */
async function anonymize(tx: SqlExecutor, orgId: number, debtor: DebtorState) {
  const numbers = await tx.query<{ n: string }>(
    `select regexp_replace(p, '\\D', '', 'g') as n from debtors d, unnest(d.phones || coalesce(d.whatsapp, '')) p
      where d.org_id = $1 and d.id = $2 and p <> ''`,
    [orgId, debtor.id],
  );
  await eraseContacts(tx, orgId, debtor.id);
  const pseudonym =
    debtor.kind === 'company'
      ? `ANON${String(debtor.id).padStart(8, '0').slice(-8)}00`
      : String(debtor.id).padStart(11, '0').slice(-11);
  await tx.query(
    `update debtors set name = $3, document = $4, channel_preferences = '{}', updated_at = now() where org_id = $1 and id = $2`,
    [orgId, debtor.id, ANONYMIZED_NAME, pseudonym],
  );
  await tx.query(
    `update outbound_messages set to_address = null, subject = null, body = null where org_id = $1 and debtor_id = $2`,
    [orgId, debtor.id],
  );
  await tx.query(
    `update collector_tasks set script = '[anonimizado]', note = null where org_id = $1 and debtor_id = $2`,
    [orgId, debtor.id],
  );
  if (numbers.length > 0)
    await tx.query(
      `update inbound_messages set body = null, raw = '{}', from_address = 'anonimizado' where org_id = $1 and from_address = any($2::text[])`,
      [orgId, numbers.map((r) => r.n)],
    );
  await tx.query(
    `update import_errors set value = null, subject_document = null where org_id = $1 and subject_document = $2`,
    [orgId, debtor.document],
  );
  // The portal: where codes went, and what the debtor wrote asking for help.
  await tx.query('delete from portal_sessions where org_id = $1 and debtor_id = $2', [orgId, debtor.id]);
  await tx.query(
    `update inbound_messages set body = null, raw = '{}' where org_id = $1 and channel = 'portal' and from_address = $2`,
    [orgId, `debtor:${debtor.id}`],
  );
}

async function debtorStates(
  tx: SqlExecutor,
  orgId: number,
  where: string,
  params: unknown[],
): Promise<DebtorState[]> {
  return tx.query<DebtorState>(
    `select d.id, coalesce(c.trade_name, c.legal_name) as creditor, d.document, d.kind,
            (select count(*)::int from receivables r where r.org_id = d.org_id and r.debtor_id = d.id
              and r.status in ('open', 'partially_paid') and r.open_cents > 0) as open,
            (select max(r.updated_at) from receivables r where r.org_id = d.org_id and r.debtor_id = d.id) as "closedAt"
       from debtors d join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
      where d.org_id = $1 and d.name <> '${ANONYMIZED_NAME}' and ${where}
      order by d.id`,
    [orgId, ...params],
  );
}

/**
 * A data subject's request to have their data erased (LGPD art. 18 IV and VI), per controller:
 * - while a debt is open, the data is needed to collect it and is kept;
 * - once it closed, contacts are erased at once, and the financial records, notices and message
 *   logs are kept for 5 years (legal obligation);
 * - after those 5 years, the record is anonymized.
 * Every decision is in the audit trail under a hash of the document.
 */
export async function anonymizeSubject(
  db: Database,
  scope: Scope,
  documentInput: string,
  now: Date = new Date(),
): Promise<{ document: string; debtors: AnonymizationOutcome[] }> {
  const parsed = parseTaxId(documentInput);
  if (!parsed.ok) throw badRequest(`"${documentInput}" is not a valid CPF or CNPJ: ${parsed.reason}`);
  const document = parsed.taxId.value;
  return withTenant(db, scope.orgId, async (tx) => {
    const debtors = await debtorStates(
      tx,
      scope.orgId,
      `d.document = $2 and ($3::bigint[] is null or d.creditor_id = any($3))`,
      [document, scope.creditorIds],
    );
    const outcomes: AnonymizationOutcome[] = [];
    for (const debtor of debtors) {
      if (debtor.open > 0) {
        outcomes.push({
          debtorId: debtor.id,
          creditor: debtor.creditor,
          status: 'kept',
          reason:
            'Há débito em aberto: os dados são necessários para a cobrança (LGPD art. 7º, V) e são mantidos.',
        });
        continue;
      }
      const until = debtor.closedAt ? addYears(debtor.closedAt, RETENTION_YEARS) : now;
      if (until > now) {
        await eraseContacts(tx, scope.orgId, debtor.id);
        outcomes.push({
          debtorId: debtor.id,
          creditor: debtor.creditor,
          status: 'contacts_erased',
          reason: `Dívida encerrada: os contatos foram apagados; registros financeiros, notificações e mensagens ficam até ${brDate(until)} (5 anos, obrigação legal) e depois são anonimizados.`,
        });
      } else {
        await anonymize(tx, scope.orgId, debtor);
        outcomes.push({
          debtorId: debtor.id,
          creditor: debtor.creditor,
          status: 'anonymized',
          reason: 'Dívida encerrada há mais de 5 anos: os dados pessoais foram anonimizados.',
        });
      }
    }
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'lgpd.subject_anonymization',
      entity: 'subject',
      entityId: subjectReference(document),
      after: { outcomes: outcomes.map(({ debtorId, status }) => ({ debtorId, status })) },
    });
    return { document, debtors: outcomes };
  });
}

/**
 * The retention job: anonymizes every debtor whose debts all closed more than 5 years ago, in every
 * organization, and deletes login attempts after 30 days, used or expired reset links after a day and
 * idle WhatsApp conversations after 30 days. Run daily by the background worker and by
 * `regua lgpd retention`.
 */
export async function applyRetention(
  db: Database,
  now: Date = new Date(),
  options: { dryRun?: boolean } = {},
) {
  const orgs = await db.query<{ id: number; timeZone: string }>(
    'select id, time_zone as "timeZone" from organizations order by id',
  );
  let anonymized = 0;
  for (const org of orgs) {
    const scope = scopeFor({
      orgId: org.id,
      role: 'admin',
      creditorIds: [],
      userId: null,
      timeZone: org.timeZone,
      actor: 'system:retention',
    });
    await withTenant(db, org.id, async (tx) => {
      // One retention run per organization at a time, whatever the number of worker processes.
      const [lock] = await tx.query<{ locked: boolean }>(
        'select pg_try_advisory_xact_lock(7324700, $1::int) as locked',
        [org.id],
      );
      if (!lock?.locked) return;
      const due = (
        await debtorStates(
          tx,
          org.id,
          `not exists (select 1 from receivables r where r.org_id = d.org_id and r.debtor_id = d.id
            and r.status in ('open', 'partially_paid') and r.open_cents > 0)`,
          [],
        )
      ).filter((d) => d.closedAt && addYears(d.closedAt, RETENTION_YEARS) <= now);
      if (options.dryRun || due.length === 0) {
        anonymized += due.length;
        return;
      }
      for (const debtor of due) await anonymize(tx, org.id, debtor);
      anonymized += due.length;
      await appendAudit(tx, {
        orgId: org.id,
        actor: scope.actor,
        action: 'lgpd.retention',
        entity: 'debtors',
        entityId: null,
        after: { anonymized: due.length, debtorIds: due.map((d) => d.id) },
      });
    });
  }
  if (!options.dryRun) {
    // Data kept only for operation, with short lives of its own (see LGPD.md).
    await db.query(`delete from login_attempts where at < $1::timestamptz - interval '30 days'`, [now]);
    await db.query(`delete from password_resets where expires_at < $1::timestamptz - interval '1 day'`, [
      now,
    ]);
    await db.query(`delete from conversations where updated_at < $1::timestamptz - interval '30 days'`, [
      now,
    ]);
    await db.query(`delete from portal_sessions where created_at < $1::timestamptz - interval '30 days'`, [
      now,
    ]);
  }
  return { anonymized, dryRun: options.dryRun ?? false };
}
