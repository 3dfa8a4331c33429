import { createHash } from 'node:crypto';
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { badRequest } from '../shared/problem.ts';
import { type IncomingPayment, type PaymentOutcome, takePayments } from './allocate.ts';
import { type ParsedPayment, parsePaymentFile } from './cnab.ts';

export type PaymentFileResult = {
  fileId: number;
  format: string;
  /** The same bytes were imported before (every payment in it is then a duplicate). */
  seenBefore: boolean;
  payments: number;
  duplicates: number;
  allocated: number;
  partiallyAllocated: number;
  unallocated: number;
  allocatedCents: number;
  chargesCents: number;
  creditCents: number;
  ignored: Array<{ line: number; reason: string }>;
  errors: Array<{ line: number; reason: string }>;
};

const BATCH = 500;

function incoming(p: ParsedPayment): IncomingPayment {
  return {
    source: p.source,
    naturalKey: p.naturalKey,
    amountCents: p.paidCents,
    paidOn: p.paidOn,
    creditedOn: p.creditedOn ?? null,
    payerDocument: p.payerDocument ?? null,
    payerName: p.payerName ?? null,
    nossoNumero: p.nossoNumero ?? null,
    seuNumero: p.seuNumero ?? null,
    memo: p.description ?? null,
    raw: { ...p },
  };
}

/**
 * Takes in a bank return file (CNAB 240 or 400) or a statement (OFX): every payment is stored once by
 * its natural key and allocated; bad lines are reported with their number and reason and never stop
 * the good ones. Importing the same file again adds nothing and says so.
 */
export async function importPaymentFile(
  db: Database,
  scope: Scope,
  input: { filename: string; bytes: Uint8Array },
): Promise<PaymentFileResult> {
  const parsed = parsePaymentFile(input.bytes);
  if (!parsed)
    throw badRequest('not a payment file Régua reads: send a CNAB 240 or 400 retorno, or an OFX statement');
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const [file] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ id: number; seenBefore: boolean }>(
      `insert into payment_files (org_id, filename, format, sha256, ignored, errors, imported_by)
       values ($1, $2, $3, $4, $5, $6, $7)
       returning id, exists (select 1 from payment_files f where f.org_id = $1 and f.sha256 = $4) as "seenBefore"`,
      [
        scope.orgId,
        input.filename,
        parsed.format,
        sha256,
        parsed.ignored.length,
        JSON.stringify(parsed.errors),
        scope.actor,
      ],
    ),
  );
  if (!file) throw new Error('payment file insert returned nothing');
  const outcomes: PaymentOutcome[] = [];
  for (let i = 0; i < parsed.payments.length; i += BATCH) {
    outcomes.push(
      ...(await takePayments(db, scope, parsed.payments.slice(i, i + BATCH).map(incoming), {
        fileId: file.id,
      })),
    );
  }
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const result: PaymentFileResult = {
    fileId: file.id,
    format: parsed.format,
    seenBefore: file.seenBefore,
    payments: outcomes.length - count('duplicate'),
    duplicates: count('duplicate'),
    allocated: count('allocated'),
    partiallyAllocated: count('partially_allocated'),
    unallocated: count('unallocated'),
    allocatedCents: outcomes.reduce((sum, o) => sum + o.allocatedCents, 0),
    chargesCents: outcomes.reduce((sum, o) => sum + o.chargesCents, 0),
    creditCents: outcomes.reduce((sum, o) => sum + o.creditCents, 0),
    ignored: parsed.ignored,
    errors: parsed.errors,
  };
  await withTenant(db, scope.orgId, (tx) =>
    tx.query('update payment_files set payments = $3, duplicates = $4 where org_id = $1 and id = $2', [
      scope.orgId,
      file.id,
      result.payments,
      result.duplicates,
    ]),
  );
  return result;
}

export type PaymentRow = {
  id: number;
  source: string;
  amountCents: number;
  paidOn: string;
  payerName: string | null;
  payerDocument: string | null;
  reference: string | null;
  status: string;
  creditCents: number;
  matchedBy: string | null;
  debtorId: number | null;
  debtorName: string | null;
  allocations: Array<{ receivableId: number; externalId: string; cents: number }>;
  createdAt: Date;
};

/** Payments, newest first: all, or those waiting for a person to reconcile them. */
export async function listPayments(
  db: Database,
  scope: Scope,
  filter: { status?: string; debtorId?: number; before?: number; limit: number },
): Promise<PaymentRow[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<PaymentRow>(
      `select p.id, p.source, p.amount_cents as "amountCents", p.paid_on as "paidOn", p.payer_name as "payerName",
              p.payer_document as "payerDocument", p.reference, p.status, p.credit_cents as "creditCents",
              p.matched_by as "matchedBy", p.debtor_id as "debtorId", d.name as "debtorName",
              coalesce((select jsonb_agg(jsonb_build_object('receivableId', a.receivable_id, 'externalId', r.external_id, 'cents', a.cents))
                          from payment_allocations a join receivables r on r.org_id = a.org_id and r.id = a.receivable_id
                         where a.org_id = p.org_id and a.payment_id = p.id), '[]') as allocations,
              p.created_at as "createdAt"
         from payments p left join debtors d on d.org_id = p.org_id and d.id = p.debtor_id
        where p.org_id = $1
          and ($2::text is null or p.status = $2)
          and ($3::bigint is null or p.debtor_id = $3)
          and ($4::bigint is null or p.id < $4)
          and ($5::bigint[] is null or d.creditor_id = any($5) or (p.debtor_id is null and false))
        order by p.id desc limit $6`,
      [
        scope.orgId,
        filter.status ?? null,
        filter.debtorId ?? null,
        filter.before ?? null,
        scope.creditorIds,
        filter.limit,
      ],
    ),
  );
}
