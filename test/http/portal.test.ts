import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPortalLink } from '../../src/portal/links.ts';
import { addDays, todayIn } from '../../src/shared/dates.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let orgId = 0;
let mariaId = 0;
let token = '';
const post = (body: unknown, cookie = '') => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', cookie },
  body: JSON.stringify(body),
});
const portal = (path: string, init: RequestInit = {}) => fetch(`${app.url}/api/portal${path}`, init);
const detail = async (response: Response) => ((await response.json()) as { detail: string }).detail;

async function codeFor(checkId: number): Promise<string> {
  let row: { body: string; status: string; error: string | null } | undefined;
  for (let i = 0; i < 100; i++) {
    [row] = await app.db.query<{ body: string; status: string; error: string | null }>(
      `select body, status, last_error as error from outbound_messages where org_id = $1 and idempotency_key = $2`,
      [orgId, `portal-code:${checkId}`],
    );
    if (row?.status === 'sent' || row?.status === 'delivered') return /é (\d{6})\./.exec(row.body)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the code was never sent: ${JSON.stringify(row)}`);
}

async function signIn(): Promise<string> {
  const sent = await portal(`/links/${token}/code`, post({ contactId: 'email:0' }));
  expect(sent.status).toBe(200);
  const { checkId } = (await sent.json()) as { checkId: number };
  const code = await codeFor(checkId);
  const verified = await portal(
    `/links/${token}/verify`,
    post({ checkId, document: '529.982.247-25', code }),
  );
  expect(verified.status).toBe(200);
  const cookie = verified.headers.getSetCookie().find((c) => c.startsWith('regua_portal=')) ?? '';
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  return cookie.split(';')[0] ?? '';
}

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  orgId = app.seeded.a.scope.orgId;
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [orgId],
  );
  mariaId = maria?.id ?? 0;
  await app.db.query(`update creditors set pix_key = '11222333000181' where id = $1`, [app.creditor.id]);
  token = signPortalLink(app.config.secretKey ?? Buffer.alloc(32), { orgId, debtorId: mariaId });
});
afterAll(() => app.close());

describe('the debtor portal', () => {
  it('a link says whom it is for and where a code can go, masked; a tampered or expired link is refused', async () => {
    const response = await portal(`/links/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      creditorName: 'Cliente Um',
      creditorCnpj: '11222333000181',
      debtorFirstName: 'Maria',
      signedIn: false,
      documentKind: 'cpf',
      contacts: [
        { id: 'email:0', channel: 'email', masked: 'm***a@example.com' },
        { id: 'sms:0', channel: 'sms', masked: '(**) *****-4321' },
      ],
    });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = await portal(`/links/${token.slice(0, -1)}${last}`);
    expect(tampered.status).toBe(404);
    expect(await detail(tampered)).toContain('não é válido');
    const otherDebtor = signPortalLink(randomBytes(32), { orgId, debtorId: mariaId });
    expect((await portal(`/links/${otherDebtor}`)).status).toBe(404);
    const old = signPortalLink(app.config.secretKey ?? Buffer.alloc(32), {
      orgId,
      debtorId: mariaId,
      now: new Date(Date.now() - 31 * 86_400_000),
    });
    const expired = await portal(`/links/${old}`);
    expect(expired.status).toBe(410);
    expect(await detail(expired)).toContain('expirou');
  });

  it('only the right CPF and code open a session, with a limited number of tries', async () => {
    const sent = await portal(`/links/${token}/code`, post({ contactId: 'email:0' }));
    const { checkId, sentTo } = (await sent.json()) as { checkId: number; sentTo: string };
    expect(sentTo).toBe('m***a@example.com');
    const code = await codeFor(checkId);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const bad = await portal(
      `/links/${token}/verify`,
      post({ checkId, document: '52998224725', code: wrongCode }),
    );
    expect(bad.status).toBe(400);
    expect(await detail(bad)).toContain('Restam 4 tentativas');
    const wrongPerson = await portal(
      `/links/${token}/verify`,
      post({ checkId, document: '11144477735', code }),
    );
    expect(wrongPerson.status).toBe(400);
    for (let i = 0; i < 3; i++)
      await portal(`/links/${token}/verify`, post({ checkId, document: '52998224725', code: wrongCode }));
    // Five tries spent: even the right code no longer opens this check.
    const locked = await portal(`/links/${token}/verify`, post({ checkId, document: '52998224725', code }));
    expect(locked.status).toBe(429);
    expect((await portal('/me')).status).toBe(401);
  });

  it('shows the debts explained, the Pix and the offers, and lets the debtor accept one', async () => {
    const cookie = await signIn();
    const me = await portal('/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    const view = (await me.json()) as {
      totalCents: number;
      debts: Array<{ totalCents: number; components: Array<{ cents: number; explanation: string }> }>;
      pix: { copiaECola: string; qrSvg: string } | null;
      offers: Array<{ key: string; totalCents: number }>;
    };
    expect(view.debts).toHaveLength(2);
    for (const d of view.debts) expect(d.components.reduce((sum, c) => sum + c.cents, 0)).toBe(d.totalCents);
    expect(view.pix?.qrSvg).toContain('<svg');
    const cash = view.offers.find((o) => o.key === 'avista');
    expect(cash).toBeDefined();
    const accepted = await portal(
      '/agreements',
      post(
        { offerKey: 'avista', expectedTotalCents: cash?.totalCents, requestKey: 'portal-maria-0001' },
        cookie,
      ),
    );
    expect(accepted.status).toBe(201);
    const agreement = (await accepted.json()) as { id: number; createdBy: string };
    expect(agreement.createdBy).toBe(`debtor:${mariaId}:portal`);
    const after = (await (await portal('/me', { headers: { cookie } })).json()) as {
      debts: unknown[];
      offers: unknown[];
      agreements: Array<{ id: number; installments: Array<{ qrSvg: string | null; pixCopiaECola: string }> }>;
    };
    expect(after.debts).toEqual([]);
    expect(after.offers).toEqual([]);
    expect(after.agreements[0]?.id).toBe(agreement.id);
    expect(after.agreements[0]?.installments[0]?.qrSvg).toContain('<svg');
  });

  it('takes a promise, a request for help and an opt-out, and ends the session', async () => {
    const cookie = await signIn();
    const today = todayIn('America/Sao_Paulo');
    const far = await portal('/promise', post({ date: addDays(today, 45), amountCents: 1000 }, cookie));
    expect(far.status).toBe(400);
    const promise = await portal('/promise', post({ date: addDays(today, 5), amountCents: 10_000 }, cookie));
    expect(promise.status).toBe(200);
    const [hold] = await app.db.query<{ kind: string; amountCents: number; createdBy: string }>(
      `select kind, amount_cents as "amountCents", created_by as "createdBy" from collection_holds
        where debtor_id = $1 and released_at is null`,
      [mariaId],
    );
    expect(hold).toEqual({ kind: 'promise', amountCents: 10_000, createdBy: `debtor:${mariaId}:portal` });

    const help = await portal('/help', post({ message: 'Posso pagar em duas vezes?' }, cookie));
    expect(help.status).toBe(200);
    const collector = await loginAs(app.url, app.seeded.users.collector);
    let tasks: Array<{ script: string }> = [];
    for (let i = 0; i < 50 && tasks.length === 0; i++) {
      tasks = ((await (await collector('/api/v1/worklist')).json()) as { items: Array<{ script: string }> })
        .items;
      if (tasks.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(tasks.map((t) => t.script).join()).toContain('Posso pagar em duas vezes?');

    expect((await portal('/opt-out', post({ channel: 'sms' }, cookie))).status).toBe(200);
    const [consent] = await app.db.query<{ event: string; source: string }>(
      `select event, source from consent_events where debtor_id = $1 and channel = 'sms' order by id desc limit 1`,
      [mariaId],
    );
    expect(consent).toEqual({ event: 'opt_out', source: 'portal' });
    // An opt-out of collection messages does not lock the debtor out: a code they ask for still goes.
    const contacts = ((await (await portal(`/links/${token}`)).json()) as { contacts: Array<{ id: string }> })
      .contacts;
    expect(contacts.map((c) => c.id)).toEqual(['email:0', 'sms:0']);

    // A session cookie does not open another organization's data.
    const stolen = cookie.replace(
      /^regua_portal=[0-9a-z]+\./,
      `regua_portal=${app.seeded.b.scope.orgId.toString(36)}.`,
    );
    expect((await portal('/me', { headers: { cookie: stolen } })).status).toBe(401);
    expect((await portal('/session', { method: 'DELETE', headers: { cookie } })).status).toBe(200);
    expect((await portal('/me', { headers: { cookie } })).status).toBe(401);
  });

  it('limits how many codes a debtor can ask for', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await portal(`/links/${token}/code`, post({ contactId: 'email:0' }))).status);
    // Earlier tests asked for three codes in the last 15 minutes already.
    expect(statuses.every((s) => s === 429)).toBe(true);
  });
});
