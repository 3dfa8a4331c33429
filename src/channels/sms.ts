import { createHmac, timingSafeEqual } from 'node:crypto';
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { smsSegments } from '../dunning/templates.ts';
import { recordConsent } from '../portfolio/consents.ts';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';

/**
 * SMS through Twilio's Programmable Messaging REST API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded, HTTP basic auth), with its status callbacks and incoming-message webhooks signed by
 * `X-Twilio-Signature`.
 */
export type TwilioSettings = {
  /** https://api.twilio.com, or a local server speaking the same contract in tests. */
  apiBaseUrl: string;
  accountSid: string;
  /** The sending number (E.164) or a Messaging Service SID (MG...). */
  from: string;
  /** What one SMS segment costs, in centavos. */
  costCentsPerSegment: number;
  authToken: string;
};

/** Twilio error codes that retrying cannot fix: bad or unreachable numbers, opted-out recipients, bad content. */
const PERMANENT_CODES = new Set([
  21211, 21212, 21408, 21610, 21612, 21614, 21617, 30003, 30004, 30005, 30006, 30007, 30008,
]);

export function twilioChannel(
  settings: TwilioSettings,
  options: { statusCallback: (m: OutgoingMessage) => string | null },
): Channel {
  const auth = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    id: 'twilio',
    async send(messages: OutgoingMessage[]): Promise<SendResult[]> {
      return Promise.all(
        messages.map(async (m): Promise<SendResult> => {
          if (!m.to) return { ok: false, permanent: true, error: 'no mobile number' };
          const form = new URLSearchParams({ To: m.to, Body: m.body });
          form.set(settings.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', settings.from);
          const callback = options.statusCallback(m);
          if (callback) form.set('StatusCallback', callback);
          try {
            const response = await fetch(
              `${settings.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`,
              {
                method: 'POST',
                headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
                body: form,
                signal: AbortSignal.timeout(15_000),
              },
            );
            const answer = (await response.json().catch(() => ({}))) as {
              sid?: string;
              num_segments?: string;
              code?: number;
              message?: string;
            };
            if (response.ok && answer.sid) {
              const segments = Number(answer.num_segments) || smsSegments(m.body).segments;
              return {
                ok: true,
                providerMessageId: answer.sid,
                costCents: segments * settings.costCentsPerSegment,
                status: 'sent',
              };
            }
            const error = `Twilio ${response.status}${answer.code ? ` (${answer.code})` : ''}: ${answer.message ?? 'no message sid in the answer'}`;
            const permanent =
              response.status < 500 &&
              response.status !== 429 &&
              (answer.code === undefined || PERMANENT_CODES.has(answer.code) || response.status === 400);
            return { ok: false, permanent, error };
          } catch (error) {
            return {
              ok: false,
              permanent: false,
              error: `Twilio unreachable: ${error instanceof Error ? error.message : String(error)}`,
            };
          }
        }),
      );
    },
  };
}

/**
 * Twilio's request signature: HMAC-SHA1 with the auth token over the full URL followed by every POST
 * parameter name and value, sorted by name; base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + (params[key] ?? ''), url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function validTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const STATUS: Record<string, 'sent' | 'delivered' | 'failed' | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};
const RANK = JSON.stringify({ queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 });

/** A delivery receipt: moves the message forward, never back; a failure keeps Twilio's error code. */
export async function smsStatus(
  db: Database,
  orgId: number,
  params: Record<string, string>,
): Promise<number> {
  const status = STATUS[params.MessageStatus ?? ''];
  if (!status || !params.MessageSid) return 0;
  const rows = await db.query(
    `update outbound_messages set
            status = case when $3 = 'failed' then 'failed'
                          when coalesce(($5::jsonb ->> status)::int, 9) < ($5::jsonb ->> $3)::int then $3 else status end,
            delivered_at = case when $3 = 'delivered' then coalesce(delivered_at, now()) else delivered_at end,
            failed_at = case when $3 = 'failed' then coalesce(failed_at, now()) else failed_at end,
            last_error = case when $3 = 'failed' then $4 else last_error end
      where org_id = $1 and provider = 'twilio' and provider_message_id = $2 and status not in ('failed', 'cancelled')
      returning id`,
    [
      orgId,
      params.MessageSid,
      status,
      `Twilio ${params.ErrorCode ?? ''}: ${params.MessageStatus}`.trim(),
      RANK,
    ],
  );
  return rows.length;
}

const STOP_WORDS = new Set(['STOP', 'SAIR', 'PARAR', 'CANCELAR', 'DESCADASTRAR']);
export const SMS_OPT_OUT_CONFIRMATION =
  'Voce nao recebera mais SMS de cobranca. Se mudar de ideia, fale com a empresa.';

/** An incoming SMS: stored once by its sid; a stop word opts out every debtor with that number, confirmed once. */
export async function smsInbound(
  db: Database,
  orgId: number,
  params: Record<string, string>,
): Promise<{ stored: boolean; optOuts: number }> {
  const from = (params.From ?? '').trim();
  if (!params.MessageSid || !/^\+\d{8,15}$/.test(from)) return { stored: false, optOuts: 0 };
  const [stored] = await db.query<{ id: number }>(
    `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, raw)
     values ($1, 'sms', $2, $3, 'text', $4, now(), $5)
     on conflict (org_id, channel, provider_message_id) do nothing returning id`,
    [orgId, params.MessageSid, from.slice(1), params.Body ?? '', JSON.stringify(params)],
  );
  if (!stored) return { stored: false, optOuts: 0 };
  const word = (params.Body ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toUpperCase()
    .replace(/[.!]+$/, '');
  if (!STOP_WORDS.has(word)) return { stored: true, optOuts: 0 };
  const debtors = await db.query<{ id: number; creditorId: number; optedOut: boolean; timeZone: string }>(
    `select d.id, d.creditor_id as "creditorId", (d.channel_preferences -> 'sms' ->> 'optedOutAt') is not null as "optedOut",
            o.time_zone as "timeZone"
       from debtors d join organizations o on o.id = d.org_id
      where d.org_id = $1 and $2 = any(d.phones) order by d.id`,
    [orgId, from],
  );
  let optOuts = 0;
  for (const debtor of debtors.filter((d) => !d.optedOut)) {
    const scope = scopeFor({
      orgId,
      role: 'admin',
      creditorIds: [],
      userId: null,
      timeZone: debtor.timeZone,
      actor: 'debtor:sms',
    });
    await recordConsent(db, scope, { debtorId: debtor.id, channel: 'sms', event: 'opt_out', source: 'sms' });
    optOuts++;
  }
  const first = debtors[0];
  if (first) {
    await db.query(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, why)
       values ($1, $2, $3, 'sms', 'opt_out_confirmation', $4, $5, $6, $7)
       on conflict (org_id, idempotency_key) do nothing`,
      [
        orgId,
        first.creditorId,
        first.id,
        `opt-out-confirmation:sms:${from}`,
        from,
        SMS_OPT_OUT_CONFIRMATION,
        JSON.stringify({ reason: 'STOP reply', inbound: params.MessageSid }),
      ],
    );
  }
  return { stored: true, optOuts };
}
