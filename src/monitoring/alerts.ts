/**
 * Alerts: each rule (rules.ts) is evaluated per creditor from stored facts by a background job
 * (jobs.ts), and an alert crossing its threshold is stored once per (organization, rule, creditor,
 * week) — the unique key makes a retried or repeated evaluation harmless. Managers who opted in get one
 * e-mail per alert through the system mail: the e-mail is a row written with the alert, then sent once.
 * docs/MONITORING.md describes the rules, the thresholds and the e-mail.
 */
import nodemailer from 'nodemailer';
import { canSeeCreditor, type Scope, scopeFor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { addDays, type CalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import {
  type AlertRule,
  type AlertThresholds,
  brokenAgreementsSpike,
  checkThresholds,
  DEFAULT_ALERT_THRESHOLDS,
  emailBounceRate,
  slaBreachRate,
  TRAILING_WEEKS,
  type Verdict,
  weekStart,
} from './rules.ts';
import { computeSlas } from './slas.ts';

/** The system mail (REGUA_SMTP_URL, REGUA_MAIL_FROM) and where the app is, for the e-mail's link. */
export type AlertMail = { smtpUrl: string | null; from: string; publicUrl: string };

/** An e-mail is tried at most this many times. */
export const MAX_EMAIL_ATTEMPTS = 5;

export const RULE_LABELS: Record<AlertRule, string> = {
  broken_agreements_spike: 'Pico de acordos quebrados',
  email_bounce_rate: 'Taxa de devolução de e-mails',
  sla_breach_rate: 'Descumprimento de SLA',
};

// ---------------------------------------------------------------- thresholds

export async function alertThresholds(db: Database, orgId: number): Promise<AlertThresholds> {
  const [row] = await withTenant(db, orgId, (tx) =>
    tx.query<{ thresholds: Record<string, unknown> }>(
      'select thresholds from alert_settings where org_id = $1',
      [orgId],
    ),
  );
  if (!row) return { ...DEFAULT_ALERT_THRESHOLDS };
  const checked = checkThresholds(row.thresholds);
  return checked.ok ? checked.thresholds : { ...DEFAULT_ALERT_THRESHOLDS };
}

export type AlertSettings = { thresholds: AlertThresholds; defaults: AlertThresholds; emailOptIn: boolean };

export async function getAlertSettings(db: Database, scope: Scope): Promise<AlertSettings> {
  const thresholds = await alertThresholds(db, scope.orgId);
  const [optIn] = scope.userId
    ? await withTenant(db, scope.orgId, (tx) =>
        tx.query('select 1 from alert_subscriptions where org_id = $1 and user_id = $2', [
          scope.orgId,
          scope.userId,
        ]),
      )
    : [];
  return { thresholds, defaults: DEFAULT_ALERT_THRESHOLDS, emailOptIn: optIn !== undefined };
}

/** Sets the organization's thresholds (audited); what is not given keeps its current value. */
export async function setAlertThresholds(
  db: Database,
  scope: Scope,
  input: Partial<Record<string, unknown>>,
): Promise<AlertSettings> {
  const before = await alertThresholds(db, scope.orgId);
  const checked = checkThresholds(input, before);
  if (!checked.ok) throw badRequest(checked.problems.join('; '), { problems: checked.problems });
  await withTenant(db, scope.orgId, async (tx) => {
    await tx.query(
      `insert into alert_settings (org_id, thresholds, updated_by) values ($1, $2, $3)
       on conflict (org_id) do update set thresholds = excluded.thresholds, updated_by = excluded.updated_by, updated_at = now()`,
      [scope.orgId, JSON.stringify(checked.thresholds), scope.actor],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'settings.alert_thresholds',
      entity: 'organization',
      entityId: scope.orgId,
      before,
      after: checked.thresholds,
    });
  });
  return getAlertSettings(db, scope);
}

/** Opts the signed-in manager in or out of alert e-mails. */
export async function setAlertEmail(db: Database, scope: Scope, subscribed: boolean): Promise<AlertSettings> {
  if (scope.userId === null) throw badRequest('only a signed-in person can opt in to alert e-mails');
  await withTenant(db, scope.orgId, async (tx) => {
    if (subscribed)
      await tx.query(
        'insert into alert_subscriptions (org_id, user_id) values ($1, $2) on conflict do nothing',
        [scope.orgId, scope.userId],
      );
    else
      await tx.query('delete from alert_subscriptions where org_id = $1 and user_id = $2', [
        scope.orgId,
        scope.userId,
      ]);
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: subscribed ? 'alerts.email_opt_in' : 'alerts.email_opt_out',
      entity: 'user',
      entityId: scope.userId,
    });
  });
  return getAlertSettings(db, scope);
}

// ---------------------------------------------------------------- evaluation

export type AlertCandidate = {
  rule: AlertRule;
  creditorId: number;
  period: string;
  verdict: Verdict;
  details: Record<string, unknown>;
};

type CreditorFacts = {
  creditorId: number;
  name: string;
  /** Broken agreements per week, oldest first: TRAILING_WEEKS weeks before this one, then this one. */
  broken: number[];
  sent: number;
  bounced: number;
};

/** The counts the rules need, per creditor, in one statement. */
async function creditorFacts(
  db: Database,
  orgId: number,
  timeZone: string,
  monday: CalendarDate,
): Promise<CreditorFacts[]> {
  const first = addDays(monday, -7 * TRAILING_WEEKS);
  const rows = await withTenant(db, orgId, (tx) =>
    tx.query<{
      creditorId: number;
      name: string;
      weeks: Record<string, number> | null;
      sent: number;
      bounced: number;
    }>(
      `with broken as (
         select ag.creditor_id, ((ag.ended_at at time zone $2)::date - $3::date) / 7 as w, count(*)::int as n
           from agreements ag
          where ag.org_id = $1 and ag.status = 'broken'
            and ag.ended_at >= ($3::date::timestamp at time zone $2) and ag.ended_at < (($4::date + 7)::timestamp at time zone $2)
          group by 1, 2
       ),
       emails as (
         select m.creditor_id, count(*)::int as sent,
                count(*) filter (where m.status = 'failed' and m.last_error like 'bounced%')::int as bounced
           from outbound_messages m
          where m.org_id = $1 and m.channel = 'email'
            and m.sent_at >= ($4::date::timestamp at time zone $2) and m.sent_at < (($4::date + 7)::timestamp at time zone $2)
          group by 1
       )
       select c.id as "creditorId", coalesce(c.trade_name, c.legal_name) as name,
              (select json_object_agg(b.w, b.n) from broken b where b.creditor_id = c.id) as weeks,
              coalesce(e.sent, 0) as sent, coalesce(e.bounced, 0) as bounced
         from creditors c left join emails e on e.creditor_id = c.id
        where c.org_id = $1
        order by c.id`,
      [orgId, timeZone, first, monday],
    ),
  );
  return rows.map((r) => ({
    creditorId: Number(r.creditorId),
    name: r.name,
    broken: Array.from({ length: TRAILING_WEEKS + 1 }, (_, w) => Number(r.weeks?.[String(w)] ?? 0)),
    sent: r.sent,
    bounced: r.bounced,
  }));
}

/**
 * What the rules find on a day, per creditor: broken agreements and bounces of the week so far, SLA
 * breaches of the week before (most of its items are judged by now; an item still pending is not).
 */
export async function findAlerts(
  db: Database,
  orgId: number,
  now: Date,
): Promise<{ candidates: AlertCandidate[]; names: Map<number, string> }> {
  const [org] = await db.query<{ timeZone: string }>(
    'select time_zone as "timeZone" from organizations where id = $1',
    [orgId],
  );
  if (!org) throw notFound(`organization ${orgId}`);
  const today = todayIn(org.timeZone, now);
  const monday = weekStart(today);
  const thresholds = await alertThresholds(db, orgId);
  const facts = await creditorFacts(db, orgId, org.timeZone, monday);
  const system = scopeFor({ orgId, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone });
  const lastWeek = { from: addDays(monday, -7), to: addDays(monday, -1) };
  const slas = await computeSlas(db, system, lastWeek, { now });
  const candidates: AlertCandidate[] = [];
  for (const f of facts) {
    const thisWeek = f.broken[TRAILING_WEEKS] ?? 0;
    const trailing = f.broken.slice(0, TRAILING_WEEKS);
    const spike = brokenAgreementsSpike(thisWeek, trailing, thresholds);
    if (spike.raise)
      candidates.push({
        rule: 'broken_agreements_spike',
        creditorId: f.creditorId,
        period: `week:${monday}`,
        verdict: spike,
        details: { week: monday, trailingWeeks: trailing, k: thresholds.brokenSpikeK },
      });
    const bounce = emailBounceRate(f.sent, f.bounced, thresholds);
    if (bounce.raise)
      candidates.push({
        rule: 'email_bounce_rate',
        creditorId: f.creditorId,
        period: `week:${monday}`,
        verdict: bounce,
        details: { week: monday, sent: f.sent, bounced: f.bounced },
      });
    const sla = slas.creditors.find((c) => c.creditorId === f.creditorId);
    if (sla) {
      const judged = sla.firstContact.met + sla.firstContact.breached + sla.reply.met + sla.reply.breached;
      const breached = sla.firstContact.breached + sla.reply.breached;
      const verdict = slaBreachRate(judged, breached, thresholds);
      if (verdict.raise)
        candidates.push({
          rule: 'sla_breach_rate',
          creditorId: f.creditorId,
          period: `week:${lastWeek.from}`,
          verdict,
          details: {
            from: lastWeek.from,
            to: lastWeek.to,
            judged,
            breached,
            firstContactBreached: sla.firstContact.breached,
            replyBreached: sla.reply.breached,
          },
        });
    }
  }
  return { candidates, names: new Map(facts.map((f) => [f.creditorId, f.name])) };
}

/**
 * Stores the alerts found (once each: the unique key on organization, rule, creditor and period) and,
 * in the same transaction, one e-mail row per opted-in manager for each alert new here. Returns the
 * alerts raised by this call.
 */
export async function raiseAlerts(
  db: Database,
  orgId: number,
  candidates: AlertCandidate[],
): Promise<number[]> {
  if (candidates.length === 0) return [];
  // Managers (admin, manager) who opted in, with an active account. Accounts are not tenant data (a
  // person may belong to several organizations): read outside the tenant transaction.
  const subscribers = await db.query<{ userId: number; email: string }>(
    `select s.user_id as "userId", u.email
       from alert_subscriptions s
       join memberships m on m.org_id = s.org_id and m.user_id = s.user_id and m.role in ('admin', 'manager')
       join users u on u.id = s.user_id and u.disabled_at is null
      where s.org_id = $1`,
    [orgId],
  );
  const raised: number[] = [];
  for (const c of candidates) {
    await withTenant(db, orgId, async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `insert into alerts (org_id, rule, creditor_id, period, value, threshold, details)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (org_id, rule, creditor_id, period) do nothing
         returning id`,
        [
          orgId,
          c.rule,
          c.creditorId,
          c.period,
          String(c.verdict.value),
          String(c.verdict.threshold),
          JSON.stringify(c.details),
        ],
      );
      if (!row) return;
      raised.push(Number(row.id));
      if (subscribers.length > 0)
        await tx.query(
          `insert into alert_emails (org_id, alert_id, user_id, to_address)
           select $1, $2, s.user_id, s.email from unnest($3::bigint[], $4::text[]) as s(user_id, email)
           on conflict do nothing`,
          [orgId, row.id, subscribers.map((x) => x.userId), subscribers.map((x) => x.email)],
        );
    });
  }
  return raised;
}

/**
 * Sends the organization's alert e-mails not sent yet. Each row is claimed (queued or failed → sending)
 * before it is handed to the SMTP server, so two workers never send the same one; a row left `sending`
 * by a process that died mid-send is not sent again (an alert is also on the page: a missed e-mail is
 * better than a duplicate).
 */
export async function sendAlertEmails(
  db: Database,
  orgId: number,
  mail: AlertMail,
): Promise<{ sent: number; failed: number }> {
  if (!mail.smtpUrl) return { sent: 0, failed: 0 };
  const due = await withTenant(db, orgId, (tx) =>
    tx.query<{ alertId: number; userId: number }>(
      `select alert_id as "alertId", user_id as "userId" from alert_emails
        where org_id = $1 and status in ('queued', 'failed') and attempts < $2 order by alert_id, user_id`,
      [orgId, MAX_EMAIL_ATTEMPTS],
    ),
  );
  let sent = 0;
  let failed = 0;
  if (due.length === 0) return { sent, failed };
  const transport = nodemailer.createTransport(mail.smtpUrl);
  try {
    for (const { alertId, userId } of due) {
      const [claimed] = await withTenant(db, orgId, (tx) =>
        tx.query<{
          toAddress: string;
          rule: AlertRule;
          creditor: string;
          period: string;
          value: string;
          threshold: string;
          details: Record<string, unknown>;
        }>(
          `update alert_emails e set status = 'sending', attempts = e.attempts + 1
             from alerts a join creditors c on c.org_id = a.org_id and c.id = a.creditor_id
            where e.org_id = $1 and e.alert_id = $2 and e.user_id = $3 and e.status in ('queued', 'failed')
              and a.org_id = e.org_id and a.id = e.alert_id
           returning e.to_address as "toAddress", a.rule, coalesce(c.trade_name, c.legal_name) as creditor, a.period,
                     a.value::text as value, a.threshold::text as threshold, a.details`,
          [orgId, alertId, userId],
        ),
      );
      if (!claimed) continue;
      try {
        await transport.sendMail({
          from: mail.from,
          to: claimed.toAddress,
          subject: `Alerta do Régua: ${RULE_LABELS[claimed.rule]} · ${claimed.creditor}`,
          text: alertText(claimed, mail.publicUrl),
        });
        await withTenant(db, orgId, (tx) =>
          tx.query(
            `update alert_emails set status = 'sent', sent_at = now(), last_error = null
              where org_id = $1 and alert_id = $2 and user_id = $3`,
            [orgId, alertId, userId],
          ),
        );
        sent++;
      } catch (error) {
        await withTenant(db, orgId, (tx) =>
          tx.query(
            `update alert_emails set status = 'failed', last_error = $4 where org_id = $1 and alert_id = $2 and user_id = $3`,
            [orgId, alertId, userId, error instanceof Error ? error.message.slice(0, 500) : String(error)],
          ),
        );
        failed++;
      }
    }
  } finally {
    transport.close();
  }
  return { sent, failed };
}

const pct = (value: string) =>
  new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 }).format(Number(value));

/** The e-mail's text, in Portuguese. */
export function alertText(
  a: {
    rule: AlertRule;
    creditor: string;
    period: string;
    value: string;
    threshold: string;
    details: Record<string, unknown>;
  },
  publicUrl: string,
): string {
  const week = a.period.replace(/^week:/, '');
  const what =
    a.rule === 'broken_agreements_spike'
      ? `${a.value} acordos quebrados na semana que começou em ${week}, acima do limite de ${a.threshold} (média das ${TRAILING_WEEKS} semanas anteriores + ${String(a.details.k ?? '')} desvios-padrão).`
      : a.rule === 'email_bounce_rate'
        ? `${pct(a.value)} dos e-mails enviados na semana que começou em ${week} foram devolvidos (${String(a.details.bounced)} de ${String(a.details.sent)}), acima do limite de ${pct(a.threshold)}.`
        : `${pct(a.value)} dos prazos de SLA julgados na semana que começou em ${week} foram descumpridos (${String(a.details.breached)} de ${String(a.details.judged)}), acima do limite de ${pct(a.threshold)}.`;
  return `${RULE_LABELS[a.rule]} · ${a.creditor}\n\n${what}\n\nVeja e reconheça o alerta em ${publicUrl}/indicadores#alertas\n\nVocê recebe este e-mail porque pediu para ser avisado dos alertas. Para deixar de receber, desmarque a opção em Indicadores > Alertas.`;
}

/** One pass: find, raise, send. The job (jobs.ts) runs it; running it again raises and sends nothing twice. */
export async function evaluateAlerts(
  db: Database,
  orgId: number,
  options: { now?: Date; mail?: AlertMail | null } = {},
): Promise<{ raised: number[]; sent: number; failed: number }> {
  const { candidates } = await findAlerts(db, orgId, options.now ?? new Date());
  const raised = await raiseAlerts(db, orgId, candidates);
  const mailed = options.mail ? await sendAlertEmails(db, orgId, options.mail) : { sent: 0, failed: 0 };
  return { raised, ...mailed };
}

// ---------------------------------------------------------------- reading and acknowledging

export type Alert = {
  id: number;
  rule: AlertRule;
  label: string;
  creditorId: number;
  creditorName: string;
  period: string;
  value: number;
  threshold: number;
  details: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
};

const ALERT_COLUMNS = `a.id, a.rule, a.creditor_id as "creditorId", coalesce(c.trade_name, c.legal_name) as "creditorName",
  a.period, a.value::float8 as value, a.threshold::float8 as threshold, a.details, a.raised_at as "raisedAt",
  a.acknowledged_at as "acknowledgedAt", a.acknowledged_by as "acknowledgedBy"`;

const toAlert = (
  row: Omit<Alert, 'label' | 'raisedAt' | 'acknowledgedAt'> & { raisedAt: Date; acknowledgedAt: Date | null },
): Alert => ({
  ...row,
  id: Number(row.id),
  creditorId: Number(row.creditorId),
  label: RULE_LABELS[row.rule],
  raisedAt: new Date(row.raisedAt).toISOString(),
  acknowledgedAt: row.acknowledgedAt ? new Date(row.acknowledgedAt).toISOString() : null,
});

/** The alerts the scope may see, newest first, a page at a time; `openCount` counts the unacknowledged ones. */
export async function listAlerts(
  db: Database,
  scope: Scope,
  filters: { status?: 'open' | 'all'; creditorId?: number | null; cursor?: number | null; limit?: number },
): Promise<{ items: Alert[]; openCount: number; nextCursor: number | null }> {
  const limit = filters.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw badRequest('limit must be between 1 and 200');
  let creditorIds = scope.creditorIds;
  if (filters.creditorId != null) {
    if (!canSeeCreditor(scope, filters.creditorId)) throw notFound(`creditor ${filters.creditorId}`);
    creditorIds = [filters.creditorId];
  }
  return withTenant(db, scope.orgId, async (tx) => {
    const rows = await tx.query<Parameters<typeof toAlert>[0]>(
      `select ${ALERT_COLUMNS}
         from alerts a join creditors c on c.org_id = a.org_id and c.id = a.creditor_id
        where a.org_id = $1 and ($2::bigint[] is null or a.creditor_id = any($2))
          and ($3::boolean is false or a.acknowledged_at is null) and ($4::bigint is null or a.id < $4)
        order by a.id desc limit $5`,
      [scope.orgId, creditorIds, filters.status === 'open', filters.cursor ?? null, limit + 1],
    );
    const [count] = await tx.query<{ n: number }>(
      `select count(*)::int as n from alerts a
        where a.org_id = $1 and ($2::bigint[] is null or a.creditor_id = any($2)) and a.acknowledged_at is null`,
      [scope.orgId, creditorIds],
    );
    const items = rows.slice(0, limit).map(toAlert);
    return {
      items,
      openCount: count?.n ?? 0,
      nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
    };
  });
}

/** Acknowledges an alert (audited); acknowledging it again changes nothing. */
export async function acknowledgeAlert(db: Database, scope: Scope, alertId: number): Promise<Alert> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [found] = await tx.query<Parameters<typeof toAlert>[0]>(
      `select ${ALERT_COLUMNS} from alerts a join creditors c on c.org_id = a.org_id and c.id = a.creditor_id
        where a.org_id = $1 and a.id = $2 for update of a`,
      [scope.orgId, alertId],
    );
    if (!found || !canSeeCreditor(scope, Number(found.creditorId))) throw notFound(`alert ${alertId}`);
    if (found.acknowledgedAt) return toAlert(found);
    const [row] = await tx.query<{ acknowledgedAt: Date }>(
      `update alerts set acknowledged_at = now(), acknowledged_by = $3 where org_id = $1 and id = $2
       returning acknowledged_at as "acknowledgedAt"`,
      [scope.orgId, alertId, scope.actor],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'alert.acknowledged',
      entity: 'alert',
      entityId: alertId,
      after: { rule: found.rule, creditorId: Number(found.creditorId), period: found.period },
    });
    return toAlert({
      ...found,
      acknowledgedAt: row?.acknowledgedAt ?? new Date(),
      acknowledgedBy: scope.actor,
    });
  });
}
