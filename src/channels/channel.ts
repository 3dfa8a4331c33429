/** A message ready to hand to a provider: rendered, addressed, with the key that makes a resend harmless. */
export type OutgoingMessage = {
  orgId: number;
  id: number;
  idempotencyKey: string;
  channel: string;
  purpose: string;
  to: string | null;
  subject: string | null;
  body: string;
  /** The template variables' values for this message, for providers that fill their own templates. */
  variables?: Readonly<Record<string, string | null>>;
};

export type SendResult =
  | { ok: true; providerMessageId: string; costCents: number; status: 'sent' | 'delivered' }
  /** `permanent`: retrying cannot help (bad address, refused content); else the dispatcher retries. */
  | { ok: false; permanent: boolean; error: string };

/**
 * A provider adapter. One small interface, a stable identifier; domain code never imports a vendor
 * SDK. `send` answers one result per message, in order, and never throws for a single message's failure.
 */
export interface Channel {
  readonly id: string;
  /** The provider's rate limit (messages per second) that dispatchers honour; none when absent. */
  readonly ratePerSecond?: number;
  send(messages: OutgoingMessage[]): Promise<SendResult[]>;
}

/** Which adapter carries each step channel (email, sms, whatsapp, phone, letter, portal, negativacao, protest). */
export type ChannelRegistry = ReadonlyMap<string, Channel>;

/** Finds the adapter for an organization's channel (its configured provider, or the sandbox). */
export type ChannelResolver = (orgId: number, channel: string) => Promise<Channel | undefined>;
