import nodemailer from 'nodemailer';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';

/** An organization's SMTP server, as set in its provider settings (the password decrypted). */
export type SmtpSettings = {
  host: string;
  port: number;
  /** `tls`: TLS from the start (port 465); `starttls`: upgrade required; `none`: plain (local relays only). */
  security: 'tls' | 'starttls' | 'none';
  username: string | null;
  password: string | null;
  fromAddress: string;
  fromName: string;
  replyTo: string | null;
  /** What one e-mail costs, in centavos (most providers bill per thousand: usually 0 or 1). */
  costCents: number;
};

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML part: the rendered text, escaped, paragraphs and line breaks kept, links clickable. */
export function htmlBody(text: string, unsubscribeUrl: string | null): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map(
      (p) =>
        `<p>${escapeHtml(p)
          .replace(/\n/g, '<br>')
          .replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</p>`,
    )
    .join('\n');
  const footer = unsubscribeUrl
    ? `\n<hr><p style="font-size:12px;color:#666">Não quer mais receber estes e-mails? <a href="${escapeHtml(unsubscribeUrl)}">Cancelar o recebimento</a>.</p>`
    : '';
  return `<!doctype html><html lang="pt-BR"><body style="font-family:Arial,sans-serif;font-size:14px;line-height:1.5">\n${paragraphs}${footer}\n</body></html>`;
}

/**
 * How an SMTP failure should be treated: a 5xx answer (unknown mailbox, refused content) is permanent;
 * a 4xx answer, a dropped connection or a timeout is worth retrying.
 */
export function smtpFailure(error: unknown): { permanent: boolean; error: string } {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  if (typeof e.responseCode === 'number') {
    return {
      permanent: e.responseCode >= 500,
      error: `SMTP ${e.responseCode}: ${e.response ?? e.message ?? ''}`.trim(),
    };
  }
  if (e.code === 'EAUTH')
    return { permanent: false, error: `SMTP authentication failed: ${e.message ?? ''}` };
  return { permanent: false, error: `SMTP ${e.code ?? 'error'}: ${e.message ?? String(error)}` };
}

/**
 * E-mail through the organization's SMTP server (nodemailer): a text and an HTML part, a stable
 * Message-ID derived from the idempotency key, and List-Unsubscribe with one-click (RFC 8058) pointing
 * at the link that records the opt-out. Each message is its own SMTP transaction, so a refused
 * recipient fails that message alone.
 */
export function smtpChannel(
  settings: SmtpSettings,
  options: {
    unsubscribeUrl: (message: OutgoingMessage) => string | null;
    messageIdDomain: string;
    /** The VERP envelope sender that routes a later bounce back to this message (see bounces.ts). */
    bounceAddress?: (message: OutgoingMessage) => string | null;
  },
): Channel & { close(): void } {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.username ? { user: settings.username, pass: settings.password ?? '' } : undefined,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    id: 'smtp',
    close: () => transport.close(),
    async send(messages: OutgoingMessage[]): Promise<SendResult[]> {
      return Promise.all(
        messages.map(async (message): Promise<SendResult> => {
          if (!message.to) return { ok: false, permanent: true, error: 'no e-mail address' };
          const unsubscribe = options.unsubscribeUrl(message);
          const headers: Record<string, string> = {};
          if (unsubscribe) {
            headers['List-Unsubscribe'] =
              `<${unsubscribe}>, <mailto:${settings.fromAddress}?subject=unsubscribe>`;
            headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
          }
          try {
            const info = await transport.sendMail({
              from: { name: settings.fromName, address: settings.fromAddress },
              to: message.to,
              replyTo: settings.replyTo ?? undefined,
              subject: message.subject ?? '',
              text: unsubscribe
                ? `${message.body}\n\n--\nNão quer mais receber estes e-mails? ${unsubscribe}`
                : message.body,
              html: htmlBody(message.body, unsubscribe),
              messageId: `<${message.orgId}.${message.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@${options.messageIdDomain}>`,
              envelope: options.bounceAddress?.(message)
                ? { from: options.bounceAddress(message) ?? settings.fromAddress, to: message.to }
                : undefined,
              headers,
            });
            if (info.rejected.length > 0)
              return {
                ok: false,
                permanent: true,
                error: `SMTP refused ${info.rejected.join(', ')}: ${info.response}`,
              };
            return {
              ok: true,
              providerMessageId: info.messageId,
              costCents: settings.costCents,
              status: 'sent',
            };
          } catch (error) {
            return { ok: false, ...smtpFailure(error) };
          }
        }),
      );
    },
  };
}
