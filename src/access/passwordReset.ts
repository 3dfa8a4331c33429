import { createHash, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { badRequest } from '../shared/problem.ts';
import { hashPassword } from './passwords.ts';

export const MIN_PASSWORD_LENGTH = 10;
const LIFETIME_MINUTES = 60;
/** Links a person may ask for per hour, so the form cannot be used to flood someone's mailbox. */
const PER_USER_PER_HOUR = 3;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A one-hour, single-use token for the user with this e-mail; null when there is no such user. */
export async function createPasswordResetToken(
  db: Pick<Database, 'query'>,
  email: string,
  requestedIp: string | null = null,
): Promise<{ token: string; userId: number; name: string; email: string } | null> {
  const [user] = await db.query<{ id: number; name: string; email: string; recent: number }>(
    `select u.id, u.name, u.email,
            (select count(*)::int from password_resets r where r.user_id = u.id and r.created_at > now() - interval '1 hour') as recent
       from users u where lower(u.email) = lower($1) and u.disabled_at is null`,
    [email.trim()],
  );
  if (!user || user.recent >= PER_USER_PER_HOUR) return null;
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `insert into password_resets (user_id, token_hash, requested_ip, expires_at)
     values ($1, $2, $3, now() + make_interval(mins => $4))`,
    [user.id, sha256(token), requestedIp, LIFETIME_MINUTES],
  );
  return { token, userId: user.id, name: user.name, email: user.email };
}

/**
 * "Forgot my password": e-mails a reset link when the address belongs to a user. The answer is the same
 * either way, so the form tells nobody which addresses have accounts.
 */
export async function requestPasswordReset(
  db: Database,
  mail: { smtpUrl: string | null; from: string; publicUrl: string },
  input: { email: string; ip: string | null },
  log: (level: 'info' | 'warn', message: string) => void = () => {},
): Promise<void> {
  const created = await createPasswordResetToken(db, input.email, input.ip);
  if (!created) return;
  if (!mail.smtpUrl) {
    log('warn', 'a password reset was requested, but REGUA_SMTP_URL is not set: the e-mail cannot be sent');
    return;
  }
  const link = `${mail.publicUrl}/redefinir-senha?token=${created.token}`;
  const transport = nodemailer.createTransport(mail.smtpUrl);
  try {
    await transport.sendMail({
      from: mail.from,
      to: created.email,
      subject: 'Redefinição de senha do Régua',
      text: `Olá, ${created.name}.\n\nRecebemos um pedido para redefinir a sua senha. Para criar uma nova, abra:\n${link}\n\nO link vale por 1 hora e só pode ser usado uma vez. Se não foi você, ignore esta mensagem: sua senha continua a mesma.`,
    });
  } finally {
    transport.close();
  }
}

/**
 * Sets a new password from a reset link: the link must exist, be unused and within its hour. Every
 * session of the user ends, and each organization's audit trail records the change.
 */
export async function confirmPasswordReset(
  db: Database,
  input: { token: string; password: string },
): Promise<void> {
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw badRequest(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const [reset] = await tx.query<{ id: number; userId: number }>(
      `update password_resets set used_at = now()
        where token_hash = $1 and used_at is null and expires_at > now()
        returning id, user_id as "userId"`,
      [sha256(input.token)],
    );
    if (!reset) throw badRequest('this reset link is invalid, expired or already used');
    await tx.query('update users set password_hash = $2 where id = $1', [reset.userId, passwordHash]);
    await tx.query('delete from sessions where user_id = $1', [reset.userId]);
    // Other links of the same user stop working too.
    await tx.query('update password_resets set used_at = now() where user_id = $1 and used_at is null', [
      reset.userId,
    ]);
    const orgs = await tx.query<{ orgId: number }>(
      'select org_id as "orgId" from memberships where user_id = $1',
      [reset.userId],
    );
    for (const { orgId } of orgs) {
      await appendAudit(tx, {
        orgId,
        actor: `user:${reset.userId}`,
        action: 'user.password_reset',
        entity: 'user',
        entityId: reset.userId,
        after: { sessionsEnded: true },
      });
    }
  });
}
