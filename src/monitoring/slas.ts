/**
 * Service levels (SLAs) per creditor: the time from a receivable's due date to the operation's first
 * contact attempt, in days, and the time from a debtor's reply to the operation's answer, in hours.
 * Each creditor has targets (sla_targets; defaults below), edited by monitoring:manage and audited.
 * Tracked from stored facts when asked (slas.sql.ts); docs/MONITORING.md gives the rules and a worked
 * example that slas.db.test.ts checks.
 */
import Big from 'big.js';
import { canSeeCreditor, type Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type Ratio, ratio } from '../kpis/formulas.ts';
import { lazyParams, scopeSql, sqlParams } from '../kpis/kpis.sql.ts';
import { tunedForKpis } from '../kpis/kpis.ts';
import { decodeCursor, encodeCursor } from '../portfolio/cursor.ts';
import { addDays, type CalendarDate, daysBetween, isCalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import { type SlaArgs, slaBreachesSql, slaSummarySql } from './slas.sql.ts';

export type SlaTargets = { firstContactDays: number; replyHours: number };

/**
 * Defaults when a creditor has none of its own. First contact within 3 days of the due date: the
 * régua's default cadence makes its first overdue contact on day 3 (WhatsApp). An answer within 24
 * calendar hours: WhatsApp lets a business answer freely only within 24 hours of the debtor's last
 * message (after that, only a paid, pre-approved template), and debtors write at any hour.
 */
export const DEFAULT_SLA_TARGETS: SlaTargets = { firstContactDays: 3, replyHours: 24 };

export const SLA_KINDS = ['first_contact', 'reply'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

export type SlaFigure = {
  kind: SlaKind;
  /** Judged within the target, judged late (or not at all), not yet judged, not needed any more. */
  met: number;
  breached: number;
  pending: number;
  notNeeded: number;
  /** met / (met + breached); null when nothing was judged. */
  compliance: Ratio;
  /** Of the contacts and answers made: days (first contact) or hours to one decimal (reply). */
  median: number | null;
  p90: number | null;
};

export type CreditorSla = {
  creditorId: number;
  targets: SlaTargets;
  firstContact: SlaFigure;
  reply: SlaFigure;
};
export type SlaReport = { from: CalendarDate; to: CalendarDate; creditors: CreditorSla[] };

export type SlaFilters = { from: CalendarDate; to: CalendarDate; creditorId?: number | null };

/** Seconds to hours, rounded half-up to one decimal. */
export const hoursOf = (seconds: number): number =>
  Number(new Big(seconds).div(3600).round(1, Big.roundHalfUp).toFixed(1));

/** A figure from the counts the statement returns. */
export function slaFigure(
  kind: SlaKind,
  row:
    | {
        met: number;
        breached: number;
        pending: number;
        notNeeded: number;
        median: number | null;
        p90: number | null;
      }
    | undefined,
): SlaFigure {
  const met = Number(row?.met ?? 0);
  const breached = Number(row?.breached ?? 0);
  const scale = (v: number | null | undefined) =>
    v === null || v === undefined ? null : kind === 'reply' ? hoursOf(Number(v)) : Number(v);
  return {
    kind,
    met,
    breached,
    pending: Number(row?.pending ?? 0),
    notNeeded: Number(row?.notNeeded ?? 0),
    compliance: ratio(met, met + breached),
    median: scale(row?.median),
    p90: scale(row?.p90),
  };
}

/** The longest period an SLA report covers. */
export const MAX_SLA_DAYS = 366;

type Resolved = { args: (p: ReturnType<typeof sqlParams>) => SlaArgs; creditorIds: number[] | null };

async function resolveSla(db: Database, scope: Scope, filters: SlaFilters, now: Date): Promise<Resolved> {
  if (!isCalendarDate(filters.from) || !isCalendarDate(filters.to))
    throw badRequest('from and to must be dates (YYYY-MM-DD)');
  if (filters.from > filters.to) throw badRequest('the period starts after it ends');
  if (daysBetween(filters.from, filters.to) >= MAX_SLA_DAYS)
    throw badRequest(`a period covers at most ${MAX_SLA_DAYS} days`);
  let creditorIds = scope.creditorIds;
  if (filters.creditorId != null) {
    if (!canSeeCreditor(scope, filters.creditorId)) throw notFound(`creditor ${filters.creditorId}`);
    const [row] = await withTenant(db, scope.orgId, (tx) =>
      tx.query('select 1 from creditors where org_id = $1 and id = $2', [scope.orgId, filters.creditorId]),
    );
    if (!row) throw notFound(`creditor ${filters.creditorId}`);
    creditorIds = [filters.creditorId];
  }
  const today = todayIn(scope.timeZone, now);
  return {
    creditorIds,
    args: (p) =>
      lazyParams(p, {
        from: [filters.from, 'date'],
        to: [filters.to, 'date'],
        today: [today, 'date'],
        now: [now.toISOString(), 'timestamptz'],
        next: [[addDays(today, 1)], 'date[]'],
        defaultDays: [DEFAULT_SLA_TARGETS.firstContactDays, 'int'],
        defaultHours: [DEFAULT_SLA_TARGETS.replyHours, 'int'],
        creditors: [creditorIds, 'bigint[]'],
      }),
  };
}

const kpiScope = (scope: Scope, creditorIds: number[] | null) => ({
  orgId: scope.orgId,
  timeZone: scope.timeZone,
  creditorIds,
  debtorKind: null,
  tags: null,
  cadenceId: null,
});

/** The SLAs of every creditor in reach (or one), for the receivables due and replies received in the period. */
export async function computeSlas(
  db: Database,
  scope: Scope,
  filters: SlaFilters,
  options: { now?: Date } = {},
): Promise<SlaReport> {
  const r = await resolveSla(db, scope, filters, options.now ?? new Date());
  const p = sqlParams();
  const text = slaSummarySql(scopeSql(p, kpiScope(scope, r.creditorIds)), r.args(p));
  const rows = await withTenant(db, scope.orgId, async (tx) => {
    await tunedForKpis(tx);
    return tx.query<{
      creditorId: number;
      firstContactDays: number;
      replyHours: number;
      kinds: Array<{
        kind: SlaKind;
        met: number;
        breached: number;
        pending: number;
        notNeeded: number;
        median: number | null;
        p90: number | null;
      }>;
    }>(text, p.values);
  });
  return {
    from: filters.from,
    to: filters.to,
    creditors: rows.map((row) => ({
      creditorId: Number(row.creditorId),
      targets: { firstContactDays: row.firstContactDays, replyHours: row.replyHours },
      firstContact: slaFigure(
        'first_contact',
        row.kinds.find((k) => k.kind === 'first_contact'),
      ),
      reply: slaFigure(
        'reply',
        row.kinds.find((k) => k.kind === 'reply'),
      ),
    })),
  };
}

export type SlaBreach = {
  creditorId: number;
  debtorId: number;
  name: string;
  /** The receivable (first contact) or the inbound message (reply). */
  id: number;
  /** When the clock started: the day after the due date began, or the reply arrived. */
  at: string;
  /** The contact or answer, late; null when none came yet. */
  answeredAt: string | null;
  /** Days (first contact) or hours (reply) it took; null when none came yet. */
  elapsed: number | null;
  target: number;
};

/** The breaches of one SLA, latest first, a page at a time. */
export async function listSlaBreaches(
  db: Database,
  scope: Scope,
  filters: SlaFilters & { kind: SlaKind },
  page: { cursor?: string | null; limit?: number } = {},
  options: { now?: Date } = {},
): Promise<{ items: SlaBreach[]; nextCursor: string | null }> {
  if (!SLA_KINDS.includes(filters.kind)) throw badRequest('kind must be first_contact or reply');
  const limit = page.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badRequest('limit must be between 1 and 500');
  const after = page.cursor ? decodeCursor<[string, number]>(page.cursor, ['string', 'number']) : null;
  const r = await resolveSla(db, scope, filters, options.now ?? new Date());
  const p = sqlParams();
  const s = scopeSql(p, kpiScope(scope, r.creditorIds));
  const args = r.args(p);
  const text = slaBreachesSql(s, {
    ...args,
    kind: filters.kind,
    afterAt: p.add(after?.[0] ?? null, 'timestamptz'),
    afterId: p.add(after?.[1] ?? null, 'bigint'),
    limit: p.add(limit + 1, 'int'),
  });
  const rows = await withTenant(db, scope.orgId, async (tx) => {
    await tunedForKpis(tx);
    return tx.query<Omit<SlaBreach, 'at' | 'answeredAt'> & { at: Date; answeredAt: Date | null }>(
      text,
      p.values,
    );
  });
  const items = rows.slice(0, limit).map((row) => ({
    creditorId: Number(row.creditorId),
    debtorId: Number(row.debtorId),
    name: row.name,
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    answeredAt: row.answeredAt ? new Date(row.answeredAt).toISOString() : null,
    elapsed:
      row.elapsed === null
        ? null
        : filters.kind === 'reply'
          ? hoursOf(Number(row.elapsed))
          : Number(row.elapsed),
    target: row.target,
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.at, last.id]) : null };
}

/** A creditor's targets (its own, or the defaults). */
export async function getSlaTargets(
  db: Database,
  scope: Scope,
  creditorId: number,
): Promise<SlaTargets & { custom: boolean }> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  return withTenant(db, scope.orgId, async (tx) => {
    const [row] = await tx.query<{
      exists: boolean;
      firstContactDays: number | null;
      replyHours: number | null;
    }>(
      `select true as exists, t.first_contact_days as "firstContactDays", t.reply_hours as "replyHours"
         from creditors c left join sla_targets t on t.org_id = c.org_id and t.creditor_id = c.id
        where c.org_id = $1 and c.id = $2`,
      [scope.orgId, creditorId],
    );
    if (!row) throw notFound(`creditor ${creditorId}`);
    return row.firstContactDays === null || row.replyHours === null
      ? { ...DEFAULT_SLA_TARGETS, custom: false }
      : { firstContactDays: row.firstContactDays, replyHours: row.replyHours, custom: true };
  });
}

/** Sets a creditor's targets (audited). */
export async function setSlaTargets(
  db: Database,
  scope: Scope,
  creditorId: number,
  targets: SlaTargets,
): Promise<SlaTargets & { custom: boolean }> {
  if (
    !Number.isInteger(targets.firstContactDays) ||
    targets.firstContactDays < 0 ||
    targets.firstContactDays > 365
  )
    throw badRequest('firstContactDays must be a whole number of days between 0 and 365');
  if (!Number.isInteger(targets.replyHours) || targets.replyHours < 1 || targets.replyHours > 720)
    throw badRequest('replyHours must be a whole number of hours between 1 and 720');
  const before = await getSlaTargets(db, scope, creditorId);
  await withTenant(db, scope.orgId, async (tx) => {
    await tx.query(
      `insert into sla_targets (org_id, creditor_id, first_contact_days, reply_hours, updated_by)
       values ($1, $2, $3, $4, $5)
       on conflict (org_id, creditor_id) do update
          set first_contact_days = excluded.first_contact_days, reply_hours = excluded.reply_hours,
              updated_by = excluded.updated_by, updated_at = now()`,
      [scope.orgId, creditorId, targets.firstContactDays, targets.replyHours, scope.actor],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'settings.sla_targets',
      entity: 'creditor',
      entityId: creditorId,
      before,
      after: targets,
    });
  });
  return { ...targets, custom: true };
}
