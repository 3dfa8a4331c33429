import { createHmac, timingSafeEqual } from 'node:crypto';
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { recordConsent } from '../portfolio/consents.ts';
import { todayIn } from '../shared/dates.ts';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';
import { converse, debtsByNumber } from './conversation.ts';

/** An organization's number on the WhatsApp Business Platform (Cloud API), with its secrets decrypted. */
export type WhatsAppSettings = {
  /** e.g. https://graph.facebook.com/v21.0 */
  apiBaseUrl: string;
  phoneNumberId: string;
  /** The approved template (category UTILITY) sent outside the 24-hour customer-service window. */
  templateName: string;
  templateLanguage: string;
  /** Template variables filling the template's body parameters {{1}}, {{2}}, ... in order. */
  templateParameters: string[];
  /** What one template message costs, in centavos; replies inside the 24-hour window are free. */
  costCents: number;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
};

export const DEFAULT_TEMPLATE_PARAMETERS = ['debtor.firstName', 'creditor.name', 'total', 'dueDate'];

/** Cloud API error codes worth retrying: rate limits and temporary unavailability. */
const TRANSIENT_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004]);

/** `+5511987654321` as the Cloud API writes numbers: digits only. */
const waNumber = (e164: string) => e164.replace(/\D/g, '');

/** Template parameters may not carry line breaks, tabs or more than four spaces in a row. */
const parameterText = (value: string) =>
  value
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {5,}/g, '    ')
    .slice(0, 1024);

/**
 * WhatsApp through the Cloud API contract (`POST /{phone-number-id}/messages`). Inside the 24-hour
 * window opened by the debtor's last message it sends the rendered text; outside it, the approved
 * template with its parameters, as the platform requires.
 */
export function whatsappChannel(db: Pick<Database, 'query'>, settings: WhatsAppSettings): Channel {
  return {
    id: 'whatsapp_cloud',
    async send(messages: OutgoingMessage[]): Promise<SendResult[]> {
      const numbers = messages.flatMap((m) => (m.to ? [waNumber(m.to)] : []));
      const open = new Set(
        (
          await db.query<{ from: string }>(
            `select distinct from_address as "from" from inbound_messages
              where org_id = $1 and channel = 'whatsapp' and from_address = any($2::text[])
                and sent_at > now() - interval '24 hours'`,
            [messages[0]?.orgId ?? 0, numbers],
          )
        ).map((r) => r.from),
      );
      return Promise.all(
        messages.map(async (m): Promise<SendResult> => {
          if (!m.to) return { ok: false, permanent: true, error: 'no WhatsApp number' };
          const to = waNumber(m.to);
          const inWindow = open.has(to);
          const payload = inWindow
            ? {
                messaging_product: 'whatsapp',
                recipient_type: 'individual',
                to,
                type: 'text',
                text: { preview_url: false, body: m.body.slice(0, 4096) },
              }
            : {
                messaging_product: 'whatsapp',
                recipient_type: 'individual',
                to,
                type: 'template',
                template: {
                  name: settings.templateName,
                  language: { code: settings.templateLanguage },
                  components: [
                    {
                      type: 'body',
                      parameters: settings.templateParameters.map((name) => ({
                        type: 'text',
                        text: parameterText(m.variables?.[name] ?? '-'),
                      })),
                    },
                  ],
                },
              };
          if (!inWindow && m.purpose === 'opt_out_confirmation')
            return {
              ok: false,
              permanent: true,
              error: 'the 24-hour window closed before the confirmation went out',
            };
          try {
            const response = await fetch(
              `${settings.apiBaseUrl}/${encodeURIComponent(settings.phoneNumberId)}/messages`,
              {
                method: 'POST',
                headers: {
                  authorization: `Bearer ${settings.accessToken}`,
                  'content-type': 'application/json',
                },
                body: JSON.stringify(payload),
                signal: AbortSignal.timeout(15_000),
              },
            );
            const answer = (await response.json().catch(() => ({}))) as {
              messages?: Array<{ id?: string }>;
              error?: { code?: number; message?: string };
            };
            const id = answer.messages?.[0]?.id;
            if (response.ok && id)
              return {
                ok: true,
                providerMessageId: id,
                costCents: inWindow ? 0 : settings.costCents,
                status: 'sent',
              };
            const code = answer.error?.code;
            const error = `WhatsApp ${response.status}${code ? ` (${code})` : ''}: ${answer.error?.message ?? 'no message id in the answer'}`;
            const transient =
              response.status >= 500 ||
              response.status === 429 ||
              (code !== undefined && TRANSIENT_CODES.has(code));
            return { ok: false, permanent: !transient, error };
          } catch (error) {
            return {
              ok: false,
              permanent: false,
              error: `WhatsApp unreachable: ${error instanceof Error ? error.message : String(error)}`,
            };
          }
        }),
      );
    },
  };
}

/** `X-Hub-Signature-256: sha256=<hex>` over the raw body, with the app secret. */
export function validSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', appSecret).update(rawBody).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const STATUS_RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };
const OPT_OUT_WORDS = new Set(['SAIR', 'PARAR', 'STOP', 'CANCELAR', 'DESCADASTRAR', 'NAO QUERO MAIS']);
export const OPT_OUT_CONFIRMATION =
  'Pronto: você não receberá mais mensagens de cobrança por WhatsApp. Se mudar de ideia, fale com a empresa.';

type WebhookValue = {
  statuses?: Array<{
    id?: string;
    status?: string;
    timestamp?: string;
    errors?: Array<{ code?: number; title?: string }>;
  }>;
  messages?: Array<{
    id?: string;
    from?: string;
    timestamp?: string;
    type?: string;
    text?: { body?: string };
    button?: { text?: string };
  }>;
};

export type WebhookResult = {
  statuses: number;
  messages: number;
  duplicates: number;
  optOuts: number;
  unknownNumbers: number;
  /** Messages answered by the self-service conversation. */
  replies: number;
};

const toDate = (unixSeconds: string | undefined) => new Date(Number(unixSeconds ?? 0) * 1000 || Date.now());

/**
 * Takes in one signed webhook call: delivery statuses move the outbox forward (never back), inbound
 * messages are stored once, and an opt-out word ("SAIR", "PARAR"...) is recorded in the consent ledger
 * for every debtor with that number, and confirmed once.
 */
export async function processWebhook(db: Database, orgId: number, body: unknown): Promise<WebhookResult> {
  const result: WebhookResult = {
    statuses: 0,
    messages: 0,
    duplicates: 0,
    optOuts: 0,
    unknownNumbers: 0,
    replies: 0,
  };
  const entries = (body as { entry?: Array<{ changes?: Array<{ value?: WebhookValue }> }> }).entry;
  if (!Array.isArray(entries)) throw new Error('not a WhatsApp webhook: no entry array');
  for (const value of entries.flatMap((e) => (e.changes ?? []).map((c) => c.value ?? {}))) {
    for (const status of value.statuses ?? []) {
      if (!status.id || !status.status) continue;
      const at = toDate(status.timestamp);
      const error = status.errors?.[0]
        ? `WhatsApp ${status.errors[0].code ?? ''}: ${status.errors[0].title ?? ''}`.trim()
        : null;
      const updated = await db.query(
        `update outbound_messages set
                status = case when $3 = 'failed' then 'failed'
                              when coalesce(($5::jsonb ->> status)::int, 9) < ($5::jsonb ->> $3)::int then $3 else status end,
                delivered_at = case when $3 in ('delivered', 'read') then coalesce(delivered_at, $4) else delivered_at end,
                read_at = case when $3 = 'read' then coalesce(read_at, $4) else read_at end,
                failed_at = case when $3 = 'failed' then coalesce(failed_at, $4) else failed_at end,
                last_error = case when $3 = 'failed' then $6 else last_error end
          where org_id = $1 and provider = 'whatsapp_cloud' and provider_message_id = $2
            and status not in ('failed', 'cancelled') and $3 in ('sent', 'delivered', 'read', 'failed')
          returning id`,
        [orgId, status.id, status.status, at, JSON.stringify(STATUS_RANK), error],
      );
      result.statuses += updated.length;
    }
    for (const message of value.messages ?? []) {
      if (!message.id || !message.from) continue;
      const text = message.text?.body ?? message.button?.text ?? null;
      const [stored] = await db.query<{ id: number }>(
        `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, raw)
         values ($1, 'whatsapp', $2, $3, $4, $5, $6, $7)
         on conflict (org_id, channel, provider_message_id) do nothing returning id`,
        [
          orgId,
          message.id,
          waNumber(message.from),
          message.type ?? 'unknown',
          text,
          toDate(message.timestamp),
          JSON.stringify(message),
        ],
      );
      if (!stored) {
        result.duplicates++;
        continue;
      }
      result.messages++;
      const phone = `+${waNumber(message.from)}`;
      const debtors = await db.query<{ id: number; creditorId: number; optedOut: boolean; timeZone: string }>(
        `select d.id, d.creditor_id as "creditorId", (d.channel_preferences -> 'whatsapp' ->> 'optedOutAt') is not null as "optedOut",
                o.time_zone as "timeZone"
           from debtors d join organizations o on o.id = d.org_id
          where d.org_id = $1 and (d.whatsapp = $2 or $2 = any(d.phones)) order by d.id`,
        [orgId, phone],
      );
      if (debtors.length === 0) result.unknownNumbers++;
      const word = (text ?? '')
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .trim()
        .toUpperCase()
        .replace(/[.!]+$/, '');
      if (debtors.length === 0) continue;
      if (!OPT_OUT_WORDS.has(word)) {
        await answer(db, orgId, phone, message.id, text ?? '', debtors[0]?.timeZone ?? 'America/Sao_Paulo');
        result.replies++;
        continue;
      }
      for (const debtor of debtors.filter((d) => !d.optedOut)) {
        const scope = scopeFor({
          orgId,
          role: 'admin',
          creditorIds: [],
          userId: null,
          timeZone: debtor.timeZone,
          actor: 'debtor:whatsapp',
        });
        await recordConsent(db, scope, {
          debtorId: debtor.id,
          channel: 'whatsapp',
          event: 'opt_out',
          source: 'whatsapp',
        });
        result.optOuts++;
      }
      const first = debtors[0];
      if (first) {
        // Confirmed once per number: the idempotency key is the number.
        await db.query(
          `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, why)
           values ($1, $2, $3, 'whatsapp', 'opt_out_confirmation', $4, $5, $6, $7)
           on conflict (org_id, idempotency_key) do nothing`,
          [
            orgId,
            first.creditorId,
            first.id,
            `opt-out-confirmation:whatsapp:${phone}`,
            phone,
            OPT_OUT_CONFIRMATION,
            JSON.stringify({ reason: 'opt-out reply', inbound: message.id }),
          ],
        );
      }
    }
  }
  return result;
}

/**
 * Answers a debtor's message with one turn of the self-service conversation: the replies are queued
 * as WhatsApp messages (inside the 24-hour window the debtor just opened), a hand-off becomes a call in
 * the collectors' worklist. Keys derived from the incoming message id make a replayed webhook add
 * nothing.
 */
async function answer(
  db: Database,
  orgId: number,
  phone: string,
  inboundId: string,
  text: string,
  timeZone: string,
) {
  const debts = await debtsByNumber(db, orgId, phone);
  const first = debts[0];
  if (!first) return;
  const turn = converse({ text, debts, asOf: todayIn(timeZone) });
  await db.query(
    `insert into conversations (org_id, channel, address, state, turns) values ($1, 'whatsapp', $2, $3, 1)
     on conflict (org_id, channel, address) do update set state = excluded.state, turns = conversations.turns + 1, updated_at = now()`,
    [orgId, phone, turn.state],
  );
  for (const [index, reply] of turn.replies.entries()) {
    await db.query(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, why)
       values ($1, $2, $3, 'whatsapp', 'conversation', $4, $5, $6, $7)
       on conflict (org_id, idempotency_key) do nothing`,
      [
        orgId,
        first.creditorId,
        first.debtorId,
        `reply:${inboundId}:${index}`,
        phone,
        reply,
        JSON.stringify({ reason: 'reply', inbound: inboundId }),
      ],
    );
  }
  if (turn.handOff) {
    const script = `${turn.handOff.note} Número ${phone}. Mensagem: "${text.slice(0, 300)}"`;
    await db.query(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, why)
       values ($1, $2, $3, 'phone', 'callback_request', $4, $5, $6, $7)
       on conflict (org_id, idempotency_key) do nothing`,
      [
        orgId,
        first.creditorId,
        first.debtorId,
        `handoff:${inboundId}`,
        phone,
        script,
        JSON.stringify({ reason: turn.handOff.reason, inbound: inboundId }),
      ],
    );
  }
}
