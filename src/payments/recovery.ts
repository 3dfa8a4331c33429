/**
 * After payment: a debtor who has nothing left to pay (every receivable paid, no agreement running) is a
 * recovered customer. Régua thanks them once, on a channel they have not opted out of, and keeps them
 * for 90 days on the follow-up list of recovered customers; the cadence has already stopped, since
 * nothing is open.
 */
import type { Scope } from '../access/scope.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { formatBrlText, formatDocument } from '../dunning/templates.ts';
import { addDays, type CalendarDate } from '../shared/dates.ts';

export const FOLLOW_UP_DAYS = 90;

type Recovered = {
  debtorId: number;
  creditorId: number;
  name: string;
  emails: string[];
  phones: string[];
  whatsapp: string | null;
  preferences: Record<string, { consentAt?: string; optedOutAt?: string }>;
  creditorName: string;
  creditorCnpj: string;
  uf: string | null;
};

/** The channel a thank-you goes on: e-mail, else WhatsApp with consent, else SMS; never an opted-out one. */
export function thankYouChannel(d: Pick<Recovered, 'emails' | 'phones' | 'whatsapp' | 'preferences'>) {
  const open = (channel: string) => !d.preferences[channel]?.optedOutAt;
  if (d.emails[0] && open('email')) return { channel: 'email', to: d.emails[0] } as const;
  if (d.whatsapp && open('whatsapp') && d.preferences.whatsapp?.consentAt)
    return { channel: 'whatsapp', to: d.whatsapp } as const;
  if (d.phones[0] && open('sms')) return { channel: 'sms', to: d.phones[0] } as const;
  return null;
}

export function thankYouText(d: Pick<Recovered, 'name' | 'creditorName' | 'creditorCnpj'>, cents: number) {
  const first = d.name.split(/\s+/)[0] ?? d.name;
  return {
    subject: `Obrigado, ${first}: pagamento confirmado`,
    body:
      `Olá, ${first}! Confirmamos o pagamento de ${formatBrlText(cents)} a ${d.creditorName} ` +
      `(CNPJ ${formatDocument(d.creditorCnpj)}). Não há mais nada em aberto. Obrigado pela confiança!`,
  };
}

/**
 * Records as recovered, on `day`, the given debtors that have nothing left open, and queues one
 * thank-you each. Idempotent: one recovery per debtor and day, one thank-you per recovery.
 */
export async function recordRecoveries(
  tx: SqlExecutor,
  orgId: number,
  day: CalendarDate,
  candidates: ReadonlyArray<{ debtorId: number; cents: number; agreementId?: number | null }>,
): Promise<number> {
  if (candidates.length === 0) return 0;
  const ids = [...new Set(candidates.map((c) => c.debtorId))];
  const done = await tx.query<Recovered>(
    `select d.id as "debtorId", d.creditor_id as "creditorId", d.name, d.emails, d.phones, d.whatsapp,
            d.channel_preferences as preferences, coalesce(c.trade_name, c.legal_name) as "creditorName",
            c.cnpj as "creditorCnpj", d.uf
       from debtors d join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
      where d.org_id = $1 and d.id = any($2::bigint[])
        and not exists (select 1 from receivables r where r.org_id = d.org_id and r.debtor_id = d.id
                          and r.status in ('open', 'partially_paid', 'in_agreement'))`,
    [orgId, ids],
  );
  let recorded = 0;
  for (const d of done) {
    const mine = candidates.filter((c) => c.debtorId === d.debtorId);
    const cents = mine.reduce((sum, c) => sum + c.cents, 0);
    const agreementId = mine.find((c) => c.agreementId)?.agreementId ?? null;
    const [recovery] = await tx.query<{ id: number }>(
      `insert into recoveries (org_id, debtor_id, recovered_on, follow_until, reason, agreement_id, recovered_cents)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (org_id, debtor_id, recovered_on) do nothing returning id`,
      [
        orgId,
        d.debtorId,
        day,
        addDays(day, FOLLOW_UP_DAYS),
        agreementId ? 'agreement_completed' : 'paid',
        agreementId,
        cents,
      ],
    );
    if (!recovery) continue;
    recorded++;
    const target = thankYouChannel(d);
    if (!target) continue;
    const text = thankYouText(d, cents);
    const [message] = await tx.query<{ id: number }>(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address,
              subject, body, uf, why)
       values ($1, $2, $3, $4, 'thank_you', $5, $6, $7, $8, $9, $10)
       on conflict (org_id, idempotency_key) do nothing returning id`,
      [
        orgId,
        d.creditorId,
        d.debtorId,
        target.channel,
        `thank-you:${recovery.id}`,
        target.to,
        target.channel === 'email' ? text.subject : null,
        text.body,
        d.uf,
        JSON.stringify({ reason: 'recovered', recoveryId: recovery.id }),
      ],
    );
    if (message)
      await tx.query('update recoveries set thank_you_message_id = $3 where org_id = $1 and id = $2', [
        orgId,
        recovery.id,
        message.id,
      ]);
  }
  return recorded;
}

export type RecoveredCustomer = {
  id: number;
  debtorId: number;
  debtorName: string;
  creditorName: string;
  recoveredOn: CalendarDate;
  followUntil: CalendarDate;
  reason: string;
  recoveredCents: number;
  /** Whether the customer owes again (a new receivable after recovery). */
  owesAgain: boolean;
};

/** The follow-up list: customers recovered within the last 90 days, newest first. */
export async function listRecovered(
  db: Database,
  scope: Scope,
  today: CalendarDate,
  limit = 200,
  /** Keyset: the customers after this one in the list's order (for exports). */
  after?: { recoveredOn: CalendarDate; id: number },
): Promise<RecoveredCustomer[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<RecoveredCustomer>(
      `select v.id, v.debtor_id as "debtorId", d.name as "debtorName",
              coalesce(c.trade_name, c.legal_name) as "creditorName", v.recovered_on::text as "recoveredOn",
              v.follow_until::text as "followUntil", v.reason, v.recovered_cents as "recoveredCents",
              exists (select 1 from receivables r where r.org_id = v.org_id and r.debtor_id = v.debtor_id
                        and r.status in ('open', 'partially_paid')) as "owesAgain"
         from recoveries v
         join debtors d on d.org_id = v.org_id and d.id = v.debtor_id
         join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
        where v.org_id = $1 and v.follow_until >= $2::date and ($3::bigint[] is null or d.creditor_id = any($3))
          and ($5::date is null or (v.recovered_on, v.id) < ($5::date, $6::bigint))
        order by v.recovered_on desc, v.id desc limit $4`,
      [scope.orgId, today, scope.creditorIds, limit, after?.recoveredOn ?? null, after?.id ?? null],
    ),
  );
}
