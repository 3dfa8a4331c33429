import { createHmac, timingSafeEqual } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Database } from '../db/client.ts';

/**
 * Bounces that arrive after the SMTP conversation (delivery status notifications, RFC 3464). Each
 * e-mail is sent with a VERP envelope sender, `bounces+{org}.{message}.{signature}@{domain}`, so a
 * bounce names the message it is about; the signature keeps anyone from failing messages with forged
 * bounces. Régua receives them on its own small SMTP server (REGUA_BOUNCE_SMTP_PORT), where the
 * domain's MX or a forwarding rule delivers them.
 */
const signature = (secretKey: Buffer, orgId: number, messageId: number) =>
  createHmac('sha256', secretKey).update(`regua:bounce:${orgId}.${messageId}`).digest('hex').slice(0, 12);

export function bounceAddress(secretKey: Buffer, domain: string, orgId: number, messageId: number): string {
  return `bounces+${orgId}.${messageId}.${signature(secretKey, orgId, messageId)}@${domain}`;
}

export function readBounceAddress(
  secretKey: Buffer,
  address: string,
): { orgId: number; messageId: number } | null {
  const match = /^bounces\+(\d{1,15})\.(\d{1,15})\.([0-9a-f]{12})@/i.exec(address.trim());
  if (!match) return null;
  const orgId = Number(match[1]);
  const messageId = Number(match[2]);
  const expected = Buffer.from(signature(secretKey, orgId, messageId));
  const given = Buffer.from((match[3] ?? '').toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given) ? { orgId, messageId } : null;
}

/** Reads a DSN: its first recipient's Status (5.x.x permanent, 4.x.x delayed) and Diagnostic-Code. */
export async function readDsn(
  raw: Buffer | string,
): Promise<{ status: string; diagnostic: string | null } | null> {
  const mail = await simpleParser(raw);
  const report = [mail.text ?? '', ...(mail.attachments ?? []).map((a) => a.content.toString('utf8'))].join(
    '\n',
  );
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(report)?.[1];
  if (!status) return null;
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(report)?.[1]?.trim() ?? null;
  return { status, diagnostic };
}

/** Applies a bounce: a permanent failure fails the message (after it was sent); a delay changes nothing. */
export async function applyBounce(
  db: Pick<Database, 'query'>,
  target: { orgId: number; messageId: number },
  dsn: { status: string; diagnostic: string | null },
): Promise<boolean> {
  if (!dsn.status.startsWith('5')) return false;
  const rows = await db.query(
    `update outbound_messages set status = 'failed', failed_at = now(), last_error = $3
      where org_id = $1 and id = $2 and channel = 'email' and status in ('sent', 'delivered', 'read')
      returning id`,
    [target.orgId, target.messageId, `bounced ${dsn.status}${dsn.diagnostic ? `: ${dsn.diagnostic}` : ''}`],
  );
  return rows.length > 0;
}

export function startBounceServer(
  db: Database,
  options: { port: number; host?: string; secretKey: Buffer; onError?: (error: unknown) => void },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: 1024 * 1024,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (readBounceAddress(options.secretKey, address.address)) return callback();
      const error = new Error('no such bounce address') as Error & { responseCode: number };
      error.responseCode = 550;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          try {
            const dsn = await readDsn(Buffer.concat(chunks));
            for (const rcpt of session.envelope.rcptTo) {
              const target = readBounceAddress(options.secretKey, rcpt.address);
              if (target && dsn) await applyBounce(db, target, dsn);
            }
            callback();
          } catch (error) {
            options.onError?.(error);
            callback();
          }
        })();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      const address = server.server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
