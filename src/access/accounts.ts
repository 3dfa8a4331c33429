import { createHash, randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { Problem } from '../shared/problem.ts';
import { decryptSecret, encryptSecret } from '../shared/secrets.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { Role } from './schema.ts';
import { type Scope, scopeFor } from './scope.ts';
import { matchTotp, newTotpSecret, otpauthUrl } from './totp.ts';

export type Organization = { id: number; slug: string; name: string; timeZone: string };
export type MembershipView = { id: number; slug: string; name: string; role: Role };

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export async function createOrganization(
  db: Database,
  input: { slug: string; name: string; timeZone?: string },
): Promise<Organization> {
  const [row] = await db.query<Organization>(
    `insert into organizations (slug, name, time_zone) values ($1, $2, $3)
     returning id, slug, name, time_zone as "timeZone"`,
    [input.slug, input.name, input.timeZone ?? 'America/Sao_Paulo'],
  );
  if (!row) throw new Error('organization insert returned nothing');
  return row;
}

export async function findOrganizationBySlug(db: Database, slug: string): Promise<Organization | null> {
  const [row] = await db.query<Organization>(
    'select id, slug, name, time_zone as "timeZone" from organizations where slug = $1',
    [slug],
  );
  return row ?? null;
}

/** Tenant tables in the order their rows can be deleted (children first). */
const TENANT_TABLES = [
  'import_errors',
  'import_files',
  'receivable_changes',
  'receivables',
  'imports',
  'consent_events',
  'debtors',
  'api_keys',
  'sessions',
  'memberships',
  'jobs',
  'creditors',
];

/** Deletes an organization and everything it holds, in one transaction. */
export async function deleteOrganization(db: Database, orgId: number): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of TENANT_TABLES) await tx.query(`delete from ${table} where org_id = $1`, [orgId]);
    await tx.query('delete from organizations where id = $1', [orgId]);
  });
}

/** Creates the user if its email is new, and gives it a role in the organization. */
export async function addMember(
  db: Database,
  input: {
    orgId: number;
    email: string;
    name: string;
    password: string;
    role: Role;
    creditorIds?: number[];
    actor?: string;
  },
): Promise<number> {
  const email = input.email.trim().toLowerCase();
  let [user] = await db.query<{ id: number }>('select id from users where email = $1', [email]);
  if (!user) {
    [user] = await db.query<{ id: number }>(
      'insert into users (email, name, password_hash) values ($1, $2, $3) returning id',
      [email, input.name, await hashPassword(input.password)],
    );
  }
  if (!user) throw new Error('user insert returned nothing');
  const userId = user.id;
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into memberships (org_id, user_id, role, creditor_ids) values ($1, $2, $3, $4)
       on conflict (org_id, user_id) do update set role = excluded.role, creditor_ids = excluded.creditor_ids`,
      [input.orgId, userId, input.role, input.creditorIds ?? []],
    );
    await appendAudit(tx, {
      orgId: input.orgId,
      actor: input.actor ?? 'system',
      action: 'membership.granted',
      entity: 'user',
      entityId: userId,
      after: { email, role: input.role, creditorIds: input.creditorIds ?? [] },
    });
  });
  return userId;
}

export type SessionView = {
  user: { id: number; email: string; name: string; totpEnabled: boolean };
  organization: Organization;
  role: Role;
  creditorIds: number[] | null;
  organizations: MembershipView[];
};

type MembershipRow = MembershipView & { timeZone: string; creditorIds: number[] };

async function membershipsOf(db: Database, userId: number): Promise<MembershipRow[]> {
  return db.query<MembershipRow>(
    `select o.id, o.slug, o.name, o.time_zone as "timeZone", m.role, m.creditor_ids as "creditorIds"
       from memberships m join organizations o on o.id = m.org_id
      where m.user_id = $1 order by o.name`,
    [userId],
  );
}

export type AuthenticatedSession = { scope: Scope; view: SessionView; sessionId: string };

async function sessionFor(db: Database, userId: number, orgId: number, sessionId: string) {
  const [user] = await db.query<{ id: number; email: string; name: string; totpEnabled: boolean }>(
    'select id, email, name, totp_enabled_at is not null as "totpEnabled" from users where id = $1 and disabled_at is null',
    [userId],
  );
  if (!user) return null;
  const memberships = await membershipsOf(db, userId);
  const current = memberships.find((m) => m.id === orgId) ?? memberships[0];
  if (!current) return null;
  const scope = scopeFor({
    orgId: current.id,
    role: current.role,
    creditorIds: current.creditorIds,
    userId,
    timeZone: current.timeZone,
  });
  const view: SessionView = {
    user,
    organization: { id: current.id, slug: current.slug, name: current.name, timeZone: current.timeZone },
    role: current.role,
    creditorIds: scope.creditorIds,
    organizations: memberships.map(({ id, slug, name, role }) => ({ id, slug, name, role })),
  };
  return { scope, view, sessionId };
}

/** Failed logins allowed before a pause: per e-mail (since its last success) and per client address. */
export const LOGIN_LIMITS = { perEmail: 5, perAddress: 20, windowMinutes: 15 } as const;

/** Too many failed logins: no password is checked until `retryAfterSeconds` have passed. */
export class LoginThrottled extends Error {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(`too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Seconds until this e-mail and this address may try again, or 0. The answer is the same whether the
 * e-mail belongs to a user or not, so the lockout reveals nothing about which accounts exist.
 */
async function loginPause(db: Database, email: string, address: string): Promise<number> {
  const [row] = await db.query<{ seconds: number | null }>(
    `with window_start as (select now() - make_interval(mins => $5) as t),
     by_email as (
       select at from login_attempts, window_start
        where email = $1 and not succeeded and at > window_start.t
          and at > coalesce((select max(at) from login_attempts where email = $1 and succeeded), '-infinity')
        order by at desc offset $3 - 1 limit 1),
     by_address as (
       select at from login_attempts, window_start
        where ip = $2 and not succeeded and at > window_start.t
        order by at desc offset $4 - 1 limit 1)
     select ceil(extract(epoch from greatest(
              (select at from by_email), (select at from by_address)) + make_interval(mins => $5) - now()))::int as seconds`,
    [email, address, LOGIN_LIMITS.perEmail, LOGIN_LIMITS.perAddress, LOGIN_LIMITS.windowMinutes],
  );
  return Math.max(0, row?.seconds ?? 0);
}

export type LoginResult =
  | { ok: true; token: string; session: AuthenticatedSession }
  | { ok: false; reason: 'invalid' | 'totp_required' | 'totp_wrong' };

/**
 * Password login, with the TOTP code when the user has turned the second factor on. Returns the cookie
 * token (shown once) and the session, or why it was refused; throws LoginThrottled after too many
 * failures (the password is then not even checked). A wrong code counts as a failed attempt.
 */
export async function login(
  db: Database,
  input: {
    email: string;
    password: string;
    code?: string;
    address?: string;
    lifetimeDays: number;
    secretKey: Buffer | null;
  },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const address = input.address ?? 'unknown';
  const pause = await loginPause(db, email, address);
  if (pause > 0) throw new LoginThrottled(pause);
  const [user] = await db.query<{
    id: number;
    passwordHash: string;
    totpSecret: string | null;
    totpLastStep: number | null;
  }>(
    `select id, password_hash as "passwordHash", case when totp_enabled_at is not null then totp_secret end as "totpSecret",
            totp_last_step as "totpLastStep"
       from users where email = $1 and disabled_at is null`,
    [email],
  );
  // Verify against a fixed hash when the user is unknown, so timing does not reveal which emails exist.
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  const result = user && passwordOk ? await secondFactor(db, user, input.code, input.secretKey) : 'invalid';
  // Asking for the code is not a failure; a wrong password or a wrong code is.
  if (result !== 'totp_required') {
    await db.query('insert into login_attempts (email, ip, succeeded) values ($1, $2, $3)', [
      email,
      address,
      result === 'ok',
    ]);
  }
  if (result !== 'ok' || !user) return { ok: false, reason: result === 'ok' ? 'invalid' : result };
  const memberships = await membershipsOf(db, user.id);
  const first = memberships[0];
  if (!first) return { ok: false, reason: 'invalid' };
  const token = randomBytes(32).toString('base64url');
  const id = sha256(token);
  await db.query(
    `insert into sessions (id, user_id, org_id, expires_at) values ($1, $2, $3, now() + make_interval(days => $4))`,
    [id, user.id, first.id, input.lifetimeDays],
  );
  const session = await sessionFor(db, user.id, first.id, id);
  return session ? { ok: true, token, session } : { ok: false, reason: 'invalid' };
}

/** After the right password: whether the second factor (when the user has it on) is satisfied. */
async function secondFactor(
  db: Database,
  user: { id: number; totpSecret: string | null; totpLastStep: number | null },
  code: string | undefined,
  key: Buffer | null,
): Promise<'ok' | 'totp_required' | 'totp_wrong'> {
  if (!user.totpSecret) return 'ok';
  if (!code) return 'totp_required';
  return (await acceptTotp(db, user.id, user.totpSecret, user.totpLastStep, code, key)) ? 'ok' : 'totp_wrong';
}

function requireKey(key: Buffer | null): Buffer {
  if (!key) throw new Problem(503, 'Not configured', 'set REGUA_SECRET_KEY to use two-step verification');
  return key;
}

/** Accepts a code for the stored (encrypted) seed once: the step is recorded so it cannot be replayed. */
async function acceptTotp(
  db: Database,
  userId: number,
  encryptedSecret: string,
  lastStep: number | null,
  code: string,
  key: Buffer | null,
): Promise<boolean> {
  const step = matchTotp(decryptSecret(encryptedSecret, requireKey(key)), code, Date.now() / 1000, lastStep);
  if (step === null) return false;
  const taken = await db.query(
    'update users set totp_last_step = $2 where id = $1 and (totp_last_step is null or totp_last_step < $2) returning id',
    [userId, step],
  );
  return taken.length > 0;
}

/** Starts turning the second factor on: a new seed, shown once, active only after confirmTotp. */
export async function startTotp(db: Database, session: AuthenticatedSession, key: Buffer | null) {
  const [user] = await db.query<{ enabled: boolean }>(
    'select totp_enabled_at is not null as enabled from users where id = $1',
    [session.view.user.id],
  );
  if (user?.enabled)
    throw new Problem(409, 'Conflict', 'two-step verification is already on; turn it off first');
  const secret = newTotpSecret();
  await db.query('update users set totp_secret = $2, totp_last_step = null where id = $1', [
    session.view.user.id,
    encryptSecret(secret, requireKey(key)),
  ]);
  return { secret, otpauthUrl: otpauthUrl(secret, session.view.user.email) };
}

/**
 * Turns the second factor on (once the person proves their app has the seed) or off (with a current
 * code), and records it in the audit trail. False when the code does not match.
 */
async function switchTotp(
  db: Database,
  session: AuthenticatedSession,
  code: string,
  key: Buffer | null,
  on: boolean,
): Promise<boolean> {
  const userId = session.view.user.id;
  const [user] = await db.query<{ secret: string | null; lastStep: number | null }>(
    `select totp_secret as secret, totp_last_step as "lastStep" from users
      where id = $1 and (totp_enabled_at is not null) = $2`,
    [userId, !on],
  );
  if (!user?.secret || !(await acceptTotp(db, userId, user.secret, user.lastStep, code, key))) return false;
  await db.transaction(async (tx) => {
    await tx.query(
      on
        ? 'update users set totp_enabled_at = now() where id = $1'
        : 'update users set totp_secret = null, totp_enabled_at = null, totp_last_step = null where id = $1',
      [userId],
    );
    await appendAudit(tx, {
      orgId: session.scope.orgId,
      actor: session.scope.actor,
      action: on ? 'user.totp_enabled' : 'user.totp_disabled',
      entity: 'user',
      entityId: userId,
    });
  });
  return true;
}

export const confirmTotp = (db: Database, session: AuthenticatedSession, code: string, key: Buffer | null) =>
  switchTotp(db, session, code, key, true);

export const disableTotp = (db: Database, session: AuthenticatedSession, code: string, key: Buffer | null) =>
  switchTotp(db, session, code, key, false);

const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5cQ2C1hD2cO0J8yq3nJxq0Qm1yv3b5xq3R8rZQ2kYyQ';

export async function authenticateSession(db: Database, token: string): Promise<AuthenticatedSession | null> {
  return authenticateSessionById(db, sha256(token));
}

/** The session with this stored id (the SHA-256 of its token), if it has not expired. */
export async function authenticateSessionById(
  db: Database,
  id: string,
): Promise<AuthenticatedSession | null> {
  const [row] = await db.query<{ userId: number; orgId: number }>(
    'select user_id as "userId", org_id as "orgId" from sessions where id = $1 and expires_at > now()',
    [id],
  );
  if (!row) return null;
  return sessionFor(db, row.userId, row.orgId, id);
}

export async function switchOrganization(
  db: Database,
  session: AuthenticatedSession,
  slug: string,
): Promise<AuthenticatedSession | null> {
  const target = session.view.organizations.find((o) => o.slug === slug);
  if (!target) return null;
  await db.query('update sessions set org_id = $2 where id = $1', [session.sessionId, target.id]);
  return sessionFor(db, session.view.user.id, target.id, session.sessionId);
}

export async function logout(db: Database, sessionId: string): Promise<void> {
  await db.query('delete from sessions where id = $1', [sessionId]);
}

// ---------------------------------------------------------------- API keys

/** Creates an API key; the secret is returned once and only its SHA-256 is stored. */
export async function createApiKey(
  db: Database,
  input: { orgId: number; name: string; role: Role; creditorIds?: number[]; actor?: string },
): Promise<{ id: number; key: string }> {
  const secret = randomBytes(24).toString('base64url');
  const key = `rg_${secret}`;
  return db.transaction(async (tx) => {
    const created = await insertApiKey(tx, input, key);
    await appendAudit(tx, {
      orgId: input.orgId,
      actor: input.actor ?? 'system',
      action: 'api_key.created',
      entity: 'api_key',
      entityId: created.id,
      after: {
        name: input.name,
        role: input.role,
        creditorIds: input.creditorIds ?? [],
        prefix: key.slice(0, 7),
      },
    });
    return created;
  });
}

async function insertApiKey(
  db: Pick<SqlExecutor, 'query'>,
  input: { orgId: number; name: string; role: Role; creditorIds?: number[] },
  key: string,
): Promise<{ id: number; key: string }> {
  const [row] = await db.query<{ id: number }>(
    `insert into api_keys (org_id, name, prefix, key_hash, role, creditor_ids) values ($1, $2, $3, $4, $5, $6)
     returning id`,
    [input.orgId, input.name, key.slice(0, 7), sha256(key), input.role, input.creditorIds ?? []],
  );
  if (!row) throw new Error('api key insert returned nothing');
  return { id: row.id, key };
}

export async function authenticateApiKey(db: Database, key: string): Promise<Scope | null> {
  const [row] = await db.query<{
    orgId: number;
    id: number;
    role: Role;
    creditorIds: number[];
    timeZone: string;
  }>(
    `update api_keys k set last_used_at = now()
       from organizations o
      where k.key_hash = $1 and k.revoked_at is null and o.id = k.org_id
      returning k.org_id as "orgId", k.id, k.role, k.creditor_ids as "creditorIds", o.time_zone as "timeZone"`,
    [sha256(key)],
  );
  if (!row) return null;
  return scopeFor({
    orgId: row.orgId,
    role: row.role,
    creditorIds: row.creditorIds,
    userId: null,
    timeZone: row.timeZone,
  });
}

export async function revokeApiKey(
  db: Database,
  orgId: number,
  id: number,
  actor = 'system',
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const revoked = await revokeApiKeyRow(tx, orgId, id);
    if (revoked)
      await appendAudit(tx, { orgId, actor, action: 'api_key.revoked', entity: 'api_key', entityId: id });
    return revoked;
  });
}

async function revokeApiKeyRow(db: Pick<SqlExecutor, 'query'>, orgId: number, id: number): Promise<boolean> {
  const rows = await db.query(
    'update api_keys set revoked_at = now() where org_id = $1 and id = $2 and revoked_at is null returning id',
    [orgId, id],
  );
  return rows.length > 0;
}
