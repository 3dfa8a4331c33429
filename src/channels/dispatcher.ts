import { hostname } from 'node:os';
import type { Database } from '../db/client.ts';
import {
  contactAllowedAt,
  DEFAULT_CONTACT_WINDOW,
  localDateIn,
  nextContactOpening,
} from '../dunning/calendar.ts';
import { type CadenceDefinition, findTemplate } from '../dunning/definition.ts';
import { renderWithValues, type TemplateContext, templateValues } from '../dunning/templates.ts';
import { creditorPix } from '../payments/pix.ts';
import type { Channel, ChannelRegistry, ChannelResolver, OutgoingMessage, SendResult } from './channel.ts';

/** Channels that reach the debtor in person and so must respect the contact window at send time. */
const WINDOWED_CHANNELS = new Set(['email', 'sms', 'whatsapp']);
const MAX_ATTEMPTS = 6;

export type DispatchOptions = {
  workerId: string;
  /** One registry for every organization, or a resolver of each organization's providers. */
  channels: ChannelRegistry | ChannelResolver;
  batchSize?: number;
  /** How long a claim lasts before another dispatcher may take the message over (ms). */
  leaseMs?: number;
  now?: () => Date;
  /** The debtor's signed portal link, for `{{paymentLink}}`; without it the variable is unavailable. */
  portalLink?: (orgId: number, debtorId: number) => string;
};

export type DispatchOutcome = {
  claimed: number;
  sent: number;
  deferred: number;
  retrying: number;
  failed: number;
  cancelled: number;
};

type Claimed = {
  orgId: number;
  id: number;
  debtorId: number;
  idempotencyKey: string;
  channel: string;
  purpose: string;
  uf: string | null;
  toAddress: string | null;
  attempts: number;
  versionId: number | null;
  stepKey: string | null;
  variantKey: string | null;
  /** Set for messages written whole when queued (replies, confirmations), which have no step. */
  storedSubject: string | null;
  storedBody: string | null;
  debtorName: string;
  debtorDocument: string;
  debtorKind: 'person' | 'company';
  optedOut: boolean;
  legalName: string;
  tradeName: string | null;
  cnpj: string;
  creditorAddress: string | null;
  creditorPhone: string | null;
  creditorEmail: string | null;
  timeZone: string;
  pixKey: string | null;
  pixName: string;
  pixCity: string | null;
  receivables: Array<{
    externalId: string;
    documentNumber: string | null;
    dueDate: string;
    openCents: number;
  }>;
};

type Update = {
  orgId: number;
  id: number;
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'cancelled';
  nextAttemptAt: Date | null;
  provider: string | null;
  providerMessageId: string | null;
  costCents: number | null;
  subject: string | null;
  body: string | null;
  error: string | null;
  /** A deferral to the next contact window is not an attempt. */
  refundAttempt: boolean;
};

const definitions = new Map<number, CadenceDefinition>();

/**
 * Token buckets per organization and provider: a provider's rate limit is honoured by each dispatcher
 * process (with several processes, divide the provider's limit among them). Bursts of up to one
 * second's worth are allowed.
 */
const buckets = new Map<string, { tokens: number; at: number }>();

function takeTokens(key: string, ratePerSecond: number, wanted: number): number {
  const nowMs = Date.now();
  const bucket = buckets.get(key) ?? { tokens: ratePerSecond, at: nowMs };
  bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((nowMs - bucket.at) / 1000) * ratePerSecond);
  bucket.at = nowMs;
  const granted = Math.max(0, Math.min(wanted, Math.floor(bucket.tokens)));
  bucket.tokens -= granted;
  buckets.set(key, bucket);
  return granted;
}

async function loadDefinitions(db: Database, versionIds: number[]) {
  const missing = [...new Set(versionIds)].filter((id) => !definitions.has(id));
  if (missing.length === 0) return;
  // Versions never change once written, so they are cached for the life of the process.
  const rows = await db.query<{ id: number; definition: CadenceDefinition }>(
    'select id, definition from cadence_versions where id = any($1::bigint[])',
    [missing],
  );
  for (const row of rows) definitions.set(row.id, row.definition);
}

/**
 * Claims up to `batchSize` due messages (FOR UPDATE SKIP LOCKED, so any number of dispatchers share the
 * outbox), re-checks each at send time (still owed, not opted out, inside the debtor's contact window),
 * renders it with today's amounts, hands it to its channel and records the outcome. A message whose
 * dispatcher died while sending is claimed again when the lease ends and handed over with the same
 * idempotency key.
 */
export async function dispatchBatch(db: Database, options: DispatchOptions): Promise<DispatchOutcome> {
  const now = options.now?.() ?? new Date();
  const leaseMs = options.leaseMs ?? 60_000;
  const claimed = await db.query<Claimed>(
    `with next as (
       select org_id, id from outbound_messages
        where ((status = 'queued' and next_attempt_at <= $3) or (status = 'sending' and locked_until < $3))
        order by next_attempt_at, id
        limit $2
        for update skip locked
     ),
     claimed as (
       update outbound_messages m
          set status = 'sending', attempts = m.attempts + 1, locked_by = $1,
              locked_until = $3::timestamptz + make_interval(secs => $4::double precision / 1000)
         from next where m.org_id = next.org_id and m.id = next.id
       returning m.*
     )
     select m.org_id as "orgId", m.id, m.debtor_id as "debtorId", m.idempotency_key as "idempotencyKey", m.channel, m.purpose, m.uf,
            m.to_address as "toAddress", m.attempts, m.version_id as "versionId", m.step_key as "stepKey",
            m.variant_key as "variantKey", m.subject as "storedSubject", m.body as "storedBody", d.name as "debtorName", d.document as "debtorDocument",
            d.kind as "debtorKind", (d.channel_preferences -> m.channel ->> 'optedOutAt') is not null as "optedOut",
            c.legal_name as "legalName", c.trade_name as "tradeName", c.cnpj,
            nullif(concat_ws(', ', nullif(concat_ws(' ', c.street, c.number), ''), c.district,
                   nullif(concat_ws('/', c.city, c.uf), ''), c.cep), '') as "creditorAddress",
            c.phone as "creditorPhone", c.email as "creditorEmail", o.time_zone as "timeZone",
            c.pix_key as "pixKey", coalesce(c.pix_merchant_name, c.trade_name, c.legal_name) as "pixName",
            coalesce(c.pix_city, c.city) as "pixCity",
            coalesce((
              select jsonb_agg(jsonb_build_object('externalId', r.external_id, 'documentNumber', r.document_number,
                       'dueDate', r.due_date, 'openCents', r.open_cents) order by r.due_date, r.id)
                from outbound_message_items i
                join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
               where i.org_id = m.org_id and i.message_id = m.id
                 and r.status in ('open', 'partially_paid') and r.open_cents > 0
            ), '[]'::jsonb) as receivables
       from claimed m
       join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
       join creditors c on c.org_id = m.org_id and c.id = m.creditor_id
       join organizations o on o.id = m.org_id`,
    [options.workerId, options.batchSize ?? 200, now, leaseMs],
  );
  const outcome: DispatchOutcome = {
    claimed: claimed.length,
    sent: 0,
    deferred: 0,
    retrying: 0,
    failed: 0,
    cancelled: 0,
  };
  if (claimed.length === 0) return outcome;
  await loadDefinitions(
    db,
    claimed.flatMap((m) => (m.versionId === null ? [] : [m.versionId])),
  );

  const updates: Update[] = [];
  const ready: Array<{ claimed: Claimed; message: OutgoingMessage }> = [];
  const blank = { provider: null, providerMessageId: null, costCents: null, subject: null, body: null };
  for (const m of claimed) {
    const definition = m.versionId === null ? undefined : definitions.get(m.versionId);
    const standalone = m.stepKey === null && m.storedBody !== null;
    if (!standalone && m.receivables.length === 0) {
      updates.push({
        ...blank,
        orgId: m.orgId,
        id: m.id,
        status: 'cancelled',
        nextAttemptAt: null,
        error: 'paid: nothing left to collect',
        refundAttempt: false,
      });
      continue;
    }
    // The confirmation of an opt-out, and a portal code the debtor asked for, go to someone who opted out.
    if (m.optedOut && m.purpose !== 'opt_out_confirmation' && m.purpose !== 'portal_code') {
      updates.push({
        ...blank,
        orgId: m.orgId,
        id: m.id,
        status: 'cancelled',
        nextAttemptAt: null,
        error: `opted out of ${m.channel}`,
        refundAttempt: false,
      });
      continue;
    }
    const window = definition?.settings.contactWindow ?? DEFAULT_CONTACT_WINDOW;
    // Answers to the debtor's own messages are service, not collection contacts: they go at once.
    // So are the portal's one-time codes, which the debtor is waiting for.
    const answering =
      m.purpose === 'opt_out_confirmation' || m.purpose === 'conversation' || m.purpose === 'portal_code';
    if (WINDOWED_CHANNELS.has(m.channel) && !answering && !contactAllowedAt(now, m.uf, window)) {
      updates.push({
        ...blank,
        orgId: m.orgId,
        id: m.id,
        status: 'queued',
        nextAttemptAt: nextContactOpening(now, m.uf, window),
        error: null,
        refundAttempt: true,
      });
      continue;
    }
    const values = templateValues(contextOf(m, localDateIn(now, m.timeZone), options.portalLink));
    let rendered: { subject: string | null; body: string };
    if (standalone) {
      rendered = { subject: m.storedSubject, body: m.storedBody ?? '' };
    } else {
      const template = definition && m.stepKey ? findTemplate(definition, m.stepKey, m.variantKey) : null;
      if (!template) {
        updates.push({
          ...blank,
          orgId: m.orgId,
          id: m.id,
          status: 'failed',
          nextAttemptAt: null,
          error: `no template for step ${m.stepKey}`,
          refundAttempt: false,
        });
        continue;
      }
      const result = renderWithValues(template, values);
      if (!result.ok) {
        updates.push({
          ...blank,
          orgId: m.orgId,
          id: m.id,
          status: 'failed',
          nextAttemptAt: null,
          error: `cannot render: no value for ${[...result.missing, ...result.malformed].join(', ')}`,
          refundAttempt: false,
        });
        continue;
      }
      rendered = result;
    }
    ready.push({
      claimed: m,
      message: {
        orgId: m.orgId,
        id: m.id,
        idempotencyKey: m.idempotencyKey,
        channel: m.channel,
        purpose: m.purpose,
        to: m.toAddress,
        subject: rendered.subject,
        body: rendered.body,
        variables: values,
      },
    });
  }

  const byChannel = new Map<string, typeof ready>();
  for (const item of ready) {
    const key = `${item.message.orgId}:${item.message.channel}`;
    const list = byChannel.get(key) ?? [];
    list.push(item);
    byChannel.set(key, list);
  }
  for (const items of byChannel.values()) {
    const first = items[0];
    if (!first) continue;
    const channelName = first.message.channel;
    let channel: Channel | undefined;
    let results: SendResult[];
    try {
      channel =
        typeof options.channels === 'function'
          ? await options.channels(first.message.orgId, channelName)
          : options.channels.get(channelName);
      if (channel?.ratePerSecond && channel.ratePerSecond > 0) {
        const key = `${first.message.orgId}:${channelName}:${channel.id}`;
        const later = items.splice(takeTokens(key, channel.ratePerSecond, items.length));
        const waitMs = Math.max(1_000, Math.ceil((later.length / channel.ratePerSecond) * 1000));
        for (const item of later) {
          // Over the provider's rate: back in the queue, which is not an attempt.
          updates.push({
            ...blank,
            orgId: item.claimed.orgId,
            id: item.claimed.id,
            status: 'queued',
            nextAttemptAt: new Date(now.getTime() + waitMs),
            error: null,
            refundAttempt: true,
          });
        }
      }
      results =
        items.length === 0
          ? []
          : channel
            ? await channel.send(items.map((i) => i.message))
            : items.map(() => ({
                ok: false,
                permanent: true,
                error: `no provider configured for ${channelName}`,
              }));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      results = items.map(() => ({ ok: false, permanent: false, error: text }));
    }
    items.forEach((item, index) => {
      const result = results[index] ?? { ok: false, permanent: false, error: 'the provider gave no answer' };
      const { message, claimed: m } = item;
      const base = {
        orgId: m.orgId,
        id: m.id,
        subject: message.subject,
        body: message.body,
        refundAttempt: false,
      };
      if (result.ok) {
        updates.push({
          ...base,
          status: result.status,
          nextAttemptAt: null,
          provider: channel?.id ?? null,
          providerMessageId: result.providerMessageId,
          costCents: result.costCents,
          error: null,
        });
      } else if (result.permanent || m.attempts >= MAX_ATTEMPTS) {
        updates.push({
          ...base,
          status: 'failed',
          nextAttemptAt: null,
          provider: channel?.id ?? null,
          providerMessageId: null,
          costCents: null,
          error: result.error,
        });
      } else {
        // Exponential backoff: 30 s, 1 min, 2 min ... capped at one hour.
        const delay = Math.min(30_000 * 2 ** (m.attempts - 1), 3_600_000);
        updates.push({
          ...base,
          status: 'queued',
          nextAttemptAt: new Date(now.getTime() + delay),
          provider: channel?.id ?? null,
          providerMessageId: null,
          costCents: null,
          error: result.error,
        });
      }
    });
  }

  for (const u of updates) {
    if (u.status === 'sent' || u.status === 'delivered') outcome.sent++;
    else if (u.status === 'cancelled') outcome.cancelled++;
    else if (u.status === 'failed') outcome.failed++;
    else if (u.refundAttempt) outcome.deferred++;
    else outcome.retrying++;
  }
  await recordOutcomes(db, options.workerId, updates, now);
  return outcome;
}

function contextOf(
  m: Claimed,
  asOf: string,
  portalLink?: (orgId: number, debtorId: number) => string,
): TemplateContext {
  return {
    debtor: { name: m.debtorName, document: m.debtorDocument, kind: m.debtorKind },
    creditor: {
      legalName: m.legalName,
      tradeName: m.tradeName,
      cnpj: m.cnpj,
      address: m.creditorAddress,
      phone: m.creditorPhone,
      email: m.creditorEmail,
    },
    receivables: m.receivables,
    asOf,
    paymentLink: portalLink ? portalLink(m.orgId, m.debtorId) : null,
    pixCopiaECola: pixFor(m),
    linhaDigitavel: null,
  };
}

/** The Pix copia-e-cola for what the message asks to be paid, when the creditor has a Pix key. */
function pixFor(m: Claimed): string | null {
  const amountCents = m.receivables.reduce((sum, r) => sum + r.openCents, 0);
  return creditorPix(
    { pixKey: m.pixKey, name: m.pixName, city: m.pixCity },
    amountCents,
    `RG${m.orgId}M${m.id}`,
  );
}

/** Writes every outcome of a batch in one statement, only for messages this dispatcher still holds. */
async function recordOutcomes(db: Database, workerId: string, updates: Update[], now: Date) {
  if (updates.length === 0) return;
  await db.query(
    `update outbound_messages m set
            status = u.status,
            attempts = m.attempts - case when u.refund then 1 else 0 end,
            next_attempt_at = coalesce(u.next_attempt_at, m.next_attempt_at),
            locked_by = null, locked_until = null,
            provider = coalesce(u.provider, m.provider),
            provider_message_id = coalesce(u.provider_message_id, m.provider_message_id),
            cost_cents = coalesce(u.cost_cents, m.cost_cents),
            subject = coalesce(u.subject, m.subject),
            body = coalesce(u.body, m.body),
            last_error = u.error,
            sent_at = case when u.status in ('sent', 'delivered') then $3::timestamptz else m.sent_at end,
            dispatched_by = case when u.status in ('sent', 'delivered') then $1 else m.dispatched_by end,
            delivered_at = case when u.status = 'delivered' then $3::timestamptz else m.delivered_at end,
            failed_at = case when u.status = 'failed' then $3::timestamptz else m.failed_at end
       from unnest($2::bigint[], $4::bigint[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::int[],
                   $10::text[], $11::text[], $12::text[], $13::boolean[])
            as u(org_id, id, status, next_attempt_at, provider, provider_message_id, cost_cents, subject, body, error, refund)
      where m.org_id = u.org_id and m.id = u.id and m.locked_by = $1 and m.status = 'sending'`,
    [
      workerId,
      updates.map((u) => u.orgId),
      now,
      updates.map((u) => u.id),
      updates.map((u) => u.status),
      updates.map((u) => u.nextAttemptAt),
      updates.map((u) => u.provider),
      updates.map((u) => u.providerMessageId),
      updates.map((u) => u.costCents),
      updates.map((u) => u.subject),
      updates.map((u) => u.body),
      updates.map((u) => u.error),
      updates.map((u) => u.refundAttempt),
    ],
  );
}

export type Dispatcher = { wake(): void; stop(): Promise<void>; readonly id: string };

/** Dispatches until stopped: batch after batch while there is work, then every `pollMs`. */
export function startDispatcher(
  db: Database,
  options: Omit<DispatchOptions, 'workerId'> & { pollMs?: number; onError?: (error: unknown) => void },
): Dispatcher {
  const id = `${hostname()}:${process.pid}:dispatch:${Math.random().toString(36).slice(2, 8)}`;
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 200;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;

  const loop = async () => {
    timer = null;
    let full = false;
    try {
      const outcome = await dispatchBatch(db, { ...options, workerId: id, batchSize });
      full = outcome.claimed >= batchSize;
    } catch (error) {
      options.onError?.(error);
    }
    schedule(full ? 0 : pollMs);
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) {
      if (ms > 0) return;
      clearTimeout(timer);
    }
    timer = setTimeout(() => {
      current = loop().finally(() => {
        current = null;
      });
    }, ms);
  };
  schedule(0);
  return {
    id,
    wake: () => {
      if (!current) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
