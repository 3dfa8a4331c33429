import type { Database } from '../db/client.ts';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';

/**
 * The list prices the sandbox records for what it stands in for (centavos per message), so the demo's
 * cost figures mean something. Nothing leaves the machine.
 */
export const SANDBOX_PRICES: Readonly<Record<string, number>> = {
  email: 0,
  sms: 7,
  whatsapp: 35,
  phone: 0,
  letter: 290,
  portal: 0,
  negativacao: 450,
  protest: 0,
};

/**
 * The default channel for every step: it "delivers" into the sandbox inbox, which people read in the
 * UI. The inbox is keyed by the message's idempotency key, so a message handed over twice (a
 * dispatcher killed mid-send) is received once; `deliveries` counts the hand-overs.
 */
export function sandboxChannel(db: Pick<Database, 'query'>, options: { latencyMs?: number } = {}): Channel {
  return {
    id: 'sandbox',
    async send(messages: OutgoingMessage[]): Promise<SendResult[]> {
      if (messages.length === 0) return [];
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const rows = await db.query<{ key: string; orgId: number; id: number }>(
        `insert into sandbox_inbox (org_id, idempotency_key, message_id, channel, to_address, subject, body)
         select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
         on conflict (org_id, idempotency_key) do update set deliveries = sandbox_inbox.deliveries + 1
         returning org_id as "orgId", idempotency_key as key, id`,
        [
          messages.map((m) => m.orgId),
          messages.map((m) => m.idempotencyKey),
          messages.map((m) => m.id),
          messages.map((m) => m.channel),
          messages.map((m) => m.to),
          messages.map((m) => m.subject),
          messages.map((m) => m.body),
        ],
      );
      const ids = new Map(rows.map((r) => [`${r.orgId}:${r.key}`, r.id]));
      return messages.map((m) => {
        const id = ids.get(`${m.orgId}:${m.idempotencyKey}`);
        if (id === undefined)
          return { ok: false, permanent: false, error: 'the sandbox inbox did not take it' };
        return {
          ok: true,
          providerMessageId: `sandbox-${id}`,
          costCents: SANDBOX_PRICES[m.channel] ?? 0,
          status: 'delivered',
        };
      });
    },
  };
}

/** The sandbox carries every channel until real providers are configured. */
export function sandboxRegistry(
  db: Pick<Database, 'query'>,
  options: { latencyMs?: number } = {},
): Map<string, Channel> {
  const sandbox = sandboxChannel(db, options);
  return new Map(Object.keys(SANDBOX_PRICES).map((channel) => [channel, sandbox]));
}
