import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { tenantQuery, withTenant } from '../db/tenant.ts';
import { todayIn } from '../shared/dates.ts';
import { parseTaxId } from '../shared/documents.ts';
import { badRequest, conflict, notFound } from '../shared/problem.ts';
import { creditors } from './schema.ts';

export type Address = {
  street: string | null;
  number: string | null;
  complement: string | null;
  district: string | null;
  city: string | null;
  uf: string | null;
  cep: string | null;
};

export type Creditor = {
  id: number;
  cnpj: string;
  legalName: string;
  tradeName: string | null;
  segment: string | null;
  address: Address;
  monthlyFeeCents: number;
  successFeeBasisPoints: number;
};

export type CreditorStats = { debtors: number; receivables: number; openCents: number; overdueCents: number };

type CreditorRow = typeof creditors.$inferSelect;

/** The address columns shared by creditors and debtors, as one object. */
export function addressOf(row: Address): Address {
  const { street, number, complement, district, city, uf, cep } = row;
  return { street, number, complement, district, city, uf, cep };
}

export function toCreditor(row: CreditorRow): Creditor {
  return {
    id: row.id,
    cnpj: row.cnpj,
    legalName: row.legalName,
    tradeName: row.tradeName,
    segment: row.segment,
    address: addressOf(row),
    monthlyFeeCents: row.monthlyFeeCents,
    successFeeBasisPoints: row.successFeeBasisPoints,
  };
}

function visible(scope: Scope): SQL | undefined {
  return scope.creditorIds === null ? undefined : inArray(creditors.id, scope.creditorIds);
}

export async function listCreditors(db: Database, scope: Scope): Promise<Creditor[]> {
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.orm
      .select()
      .from(creditors)
      .where(and(eq(creditors.orgId, scope.orgId), visible(scope)))
      .orderBy(asc(creditors.legalName)),
  );
  return rows.map(toCreditor);
}

export async function getCreditor(db: Database, scope: Scope, id: number): Promise<Creditor> {
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.orm
      .select()
      .from(creditors)
      .where(and(eq(creditors.orgId, scope.orgId), eq(creditors.id, id), visible(scope))),
  );
  if (!row) throw notFound(`creditor ${id}`);
  return toCreditor(row);
}

/** Finds a creditor by id or by CNPJ (any punctuation), within the scope. */
export async function findCreditor(db: Database, scope: Scope, idOrCnpj: string): Promise<Creditor> {
  const text = idOrCnpj.trim();
  if (/^\d{1,12}$/.test(text)) return getCreditor(db, scope, Number(text));
  const parsed = parseTaxId(text);
  if (!parsed.ok || parsed.taxId.kind !== 'company') {
    throw badRequest(`"${idOrCnpj}" is neither a creditor id nor a valid CNPJ`);
  }
  const cnpj = parsed.taxId.value;
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.orm
      .select()
      .from(creditors)
      .where(and(eq(creditors.orgId, scope.orgId), eq(creditors.cnpj, cnpj), visible(scope))),
  );
  if (!row) throw notFound(`creditor with CNPJ ${idOrCnpj}`);
  return toCreditor(row);
}

export type NewCreditor = Omit<Creditor, 'id' | 'address' | 'monthlyFeeCents' | 'successFeeBasisPoints'> & {
  address?: Partial<Address>;
  monthlyFeeCents?: number;
  successFeeBasisPoints?: number;
};

export async function createCreditor(db: Database, scope: Scope, input: NewCreditor): Promise<Creditor> {
  const parsed = parseTaxId(input.cnpj);
  if (!parsed.ok || parsed.taxId.kind !== 'company') throw badRequest(`"${input.cnpj}" is not a valid CNPJ`);
  return withTenant(db, scope.orgId, async (tx) => {
    const [row] = await tx.orm
      .insert(creditors)
      .values({
        orgId: scope.orgId,
        cnpj: parsed.taxId.value,
        legalName: input.legalName,
        tradeName: input.tradeName,
        segment: input.segment,
        ...input.address,
        monthlyFeeCents: input.monthlyFeeCents ?? 0,
        successFeeBasisPoints: input.successFeeBasisPoints ?? 0,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict(`a creditor with CNPJ ${input.cnpj} already exists`);
    const creditor = toCreditor(row);
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'creditor.created',
      entity: 'creditor',
      entityId: creditor.id,
      after: creditor,
    });
    return creditor;
  });
}

/** Portfolio totals per creditor, as of today in the organization's time zone. */
export async function creditorStats(db: Database, scope: Scope): Promise<Map<number, CreditorStats>> {
  const today = todayIn(scope.timeZone);
  const rows = await tenantQuery<{ creditorId: number } & CreditorStats>(
    db,
    scope,
    `select creditor_id as "creditorId",
            count(distinct debtor_id)::int as debtors,
            count(*)::int as receivables,
            coalesce(sum(open_cents) filter (where status in ('open','partially_paid')), 0)::bigint as "openCents",
            coalesce(sum(open_cents) filter (where status in ('open','partially_paid') and due_date < $2), 0)::bigint as "overdueCents"
       from receivables
      where org_id = $1 and ($3::bigint[] is null or creditor_id = any($3))
      group by creditor_id`,
    [scope.orgId, today, scope.creditorIds],
  );
  return new Map(rows.map((r) => [r.creditorId, r]));
}

export const AGING_BUCKETS = ['not_due', '1-30', '31-60', '61-90', '91-180', '180+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** Open balance by days past due, as of a date (default: today in the organization's time zone). */
export async function aging(
  db: Database,
  scope: Scope,
  creditorId: number,
  asOf: string = todayIn(scope.timeZone),
): Promise<{ asOf: string; buckets: { bucket: AgingBucket; count: number; openCents: number }[] }> {
  await getCreditor(db, scope, creditorId);
  const rows = await tenantQuery<{ bucket: AgingBucket; count: number; openCents: number }>(
    db,
    scope,
    `select case
              when due_date >= $3::date then 'not_due'
              when $3::date - due_date <= 30 then '1-30'
              when $3::date - due_date <= 60 then '31-60'
              when $3::date - due_date <= 90 then '61-90'
              when $3::date - due_date <= 180 then '91-180'
              else '180+' end as bucket,
            count(*)::int as count, sum(open_cents)::bigint as "openCents"
       from receivables
      where org_id = $1 and creditor_id = $2 and status in ('open','partially_paid')
      group by 1`,
    [scope.orgId, creditorId, asOf],
  );
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return {
    asOf,
    buckets: AGING_BUCKETS.map((bucket) => ({
      bucket,
      count: byBucket.get(bucket)?.count ?? 0,
      openCents: byBucket.get(bucket)?.openCents ?? 0,
    })),
  };
}
