import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { importCsv } from '../../test/support/seed.ts';
import { createOrganization } from '../access/accounts.ts';
import { type Scope, scopeFor } from '../access/scope.ts';
import { dispatchBatch } from '../channels/dispatcher.ts';
import { sandboxRegistry } from '../channels/sandbox.ts';
import type { Database } from '../db/client.ts';
import { recordConsent } from '../portfolio/consents.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { activateCadenceVersion, createCadence } from './cadences.ts';
import { type CadenceDefinition, DEFAULT_SETTINGS } from './definition.ts';
import { planDay } from './planner.ts';
import { listSkips } from './views.ts';

const ID = '{{creditor.name}} CNPJ {{creditor.cnpj}}';

/** A small régua: D-3 email, D+1 email, D+5 SMS, D+12 prior-notice letter, D+25 negativação; cap 2 in 7 days. */
function testCadence(): CadenceDefinition {
  return {
    settings: { ...structuredClone(DEFAULT_SETTINGS), frequencyCap: { contacts: 2, days: 7 } },
    segments: [
      {
        key: 'todos',
        name: 'Todos',
        rules: {},
        steps: [
          {
            key: 'lembrete',
            offsetDays: -3,
            channel: 'email',
            template: { subject: 'Lembrete', body: `Vence em {{dueDate}}: {{total}}. ${ID}` },
          },
          {
            key: 'vencido',
            offsetDays: 1,
            channel: 'email',
            template: { subject: 'Vencido', body: `{{receivables}} ${ID}` },
          },
          {
            key: 'sms',
            offsetDays: 5,
            channel: 'sms',
            template: { body: `{{debtor.firstName}}, {{total}} em aberto. ${ID}` },
          },
          {
            key: 'carta',
            offsetDays: 12,
            channel: 'letter',
            purpose: 'prior_notice',
            template: { subject: 'Notificação', body: `{{receivables}} ${ID} {{creditor.address}}` },
          },
          {
            key: 'negativar',
            offsetDays: 25,
            channel: 'negativacao',
            template: { body: `{{debtor.name}} {{total}} ${ID}` },
          },
        ],
      },
    ],
  };
}

const HEADER = 'id;cpf_cnpj;nome;email;telefone;uf;endereco;cidade;cep;vencimento;valor;saldo';
// Plan date 2026-03-10 (Tuesday). Due dates chosen for the days late each case needs.
const PORTFOLIO = [
  HEADER,
  // P1: two receivables 6 days late -> the D+5 SMS, one contact for both.
  'P1-A;529.982.247-25;MARIA DA SILVA;maria@example.com;(11) 98765-4321;SP;Rua A 1;São Paulo;01001000;2026-03-04;100,00;100,00',
  'P1-B;529.982.247-25;MARIA DA SILVA;maria@example.com;(11) 98765-4321;SP;Rua A 1;São Paulo;01001000;2026-03-04;50,00;50,00',
  // P2: 18 days late after downtime -> only the D+12 letter, never the stale reminders.
  'P2-A;390.533.447-05;José Souza;jose@example.com;(21) 99876-5432;RJ;Rua B 2;Rio de Janeiro;20000000;2026-02-20;300,00;300,00',
  // P3: opted out of email, due in 3 days -> skipped, with the reason.
  'P3-A;111.444.777-35;Ana Lima;ana@example.com;;MG;;;;2026-03-13;80,00;80,00',
  // P4: paid -> nothing.
  'P4-A;935.411.347-80;Pedro Alves;pedro@example.com;;SP;;;;2026-03-09;90,00;0,00',
  // P5: a promise to pay is running -> held.
  'P5-A;123.456.789-09;Carla Dias;carla@example.com;;SP;;;;2026-03-09;70,00;70,00',
  // P7: four receivables at four steps on one day, cap 2 -> letter and SMS, the emails capped.
  'P7-A;714.602.380-01;Rui Costa;rui@example.com;(11) 91234-5678;SP;Rua C 3;Santos;11000000;2026-03-13;10,00;10,00',
  'P7-B;714.602.380-01;Rui Costa;rui@example.com;(11) 91234-5678;SP;Rua C 3;Santos;11000000;2026-03-09;20,00;20,00',
  'P7-C;714.602.380-01;Rui Costa;rui@example.com;(11) 91234-5678;SP;Rua C 3;Santos;11000000;2026-03-04;30,00;30,00',
  'P7-D;714.602.380-01;Rui Costa;rui@example.com;(11) 91234-5678;SP;Rua C 3;Santos;11000000;2026-02-26;40,00;40,00',
].join('\n');

/** The planner's clock on a plan date: 06:00 in São Paulo. */
const at = (date: string) => ({ now: new Date(`${date}T09:00:00Z`) });

let t: TestDatabase;
let db: Database;
let a: Scope;
let b: Scope;
let creditorA: number;

async function setUp(database: Database, slug: string) {
  const org = await createOrganization(database, { slug, name: slug });
  const scope = scopeFor({
    orgId: org.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: org.timeZone,
  });
  const creditor = await createCreditor(database, scope, {
    cnpj: '11.222.333/0001-81',
    legalName: `Credora ${slug} Ltda`,
    tradeName: `Credora ${slug}`,
    segment: null,
    address: { street: 'Av. Paulista', number: '1000', city: 'São Paulo', uf: 'SP', cep: '01310100' },
  });
  await importCsv(database, scope, creditor.id, PORTFOLIO);
  const version = await createCadence(database, scope, {
    creditorId: creditor.id,
    name: 'Régua teste',
    definition: testCadence(),
  });
  await activateCadenceVersion(database, scope, version.id);
  return { scope, creditorId: creditor.id };
}

async function debtorId(scope: Scope, document: string): Promise<number> {
  const [row] = await db.query<{ id: number }>('select id from debtors where org_id = $1 and document = $2', [
    scope.orgId,
    document,
  ]);
  if (!row) throw new Error(`no debtor ${document}`);
  return row.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  ({ scope: a, creditorId: creditorA } = await setUp(db, 'alfa'));
  ({ scope: b } = await setUp(db, 'beta'));
  await recordConsent(db, a, {
    debtorId: await debtorId(a, '11144477735'),
    channel: 'email',
    event: 'opt_out',
    source: 'phone',
  });
  await db.query(
    `insert into collection_holds (org_id, debtor_id, kind, until_date, reason, created_by) values ($1, $2, 'promise', '2026-03-15', 'Prometeu pagar dia 15', 'test')`,
    [a.orgId, await debtorId(a, '12345678909')],
  );
}, 120_000);
afterAll(() => t?.drop());

async function messagesOf(scope: Scope, date: string) {
  return db.query<{
    document: string;
    channel: string;
    stepKey: string;
    receivables: string[];
    why: Record<string, unknown>;
  }>(
    `select d.document, m.channel, m.step_key as "stepKey", m.why,
            array(select r.external_id from outbound_message_items i join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
                   where i.org_id = m.org_id and i.message_id = m.id order by r.external_id) as receivables
       from outbound_messages m join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
      where m.org_id = $1 and m.plan_date = $2 order by d.document, m.channel`,
    [scope.orgId, date],
  );
}

async function skipsOf(scope: Scope, date: string) {
  return db.query<{ externalId: string; reason: string; stepKey: string }>(
    `select r.external_id as "externalId", s.reason, s.step_key as "stepKey" from plan_skips s
       join receivables r on r.org_id = s.org_id and r.id = s.receivable_id
      where s.org_id = $1 and s.plan_date = $2 order by r.external_id`,
    [scope.orgId, date],
  );
}

describe('the daily planner', () => {
  it('plans one contact per debtor and channel, the most recent due step only, and records every skip', async () => {
    const result = await planDay(db, a.orgId, '2026-03-10', at('2026-03-10'));
    const messages = await messagesOf(a, '2026-03-10');
    expect(messages.map((m) => [m.document, m.channel, m.stepKey, m.receivables])).toEqual([
      ['39053344705', 'letter', 'carta', ['P2-A']],
      ['52998224725', 'sms', 'sms', ['P1-A', 'P1-B']],
      ['71460238001', 'letter', 'carta', ['P7-D']],
      ['71460238001', 'sms', 'sms', ['P7-C']],
    ]);
    expect(messages[1]?.why).toMatchObject({
      step: 'sms',
      offsetDays: 5,
      daysLate: 6,
      cadenceVersion: 1,
      receivables: 2,
    });
    expect(await skipsOf(a, '2026-03-10')).toEqual([
      { externalId: 'P3-A', reason: 'opted_out', stepKey: 'lembrete' },
      { externalId: 'P5-A', reason: 'hold_promise', stepKey: 'vencido' },
      { externalId: 'P7-A', reason: 'frequency_cap', stepKey: 'lembrete' },
      { externalId: 'P7-B', reason: 'frequency_cap', stepKey: 'vencido' },
    ]);
    expect(result).toMatchObject({
      date: '2026-03-10',
      businessDay: true,
      planned: 4,
      plannedReceivables: 5,
      skipped: 4,
    });
    expect(result.byChannel).toEqual({ letter: 2, sms: 2 });
    expect(result.byReason).toEqual({ opted_out: 1, hold_promise: 1, frequency_cap: 2 });
  });

  it('plans nothing new when run again for the same date', async () => {
    const again = await planDay(db, a.orgId, '2026-03-10', at('2026-03-10'));
    expect(again).toMatchObject({ planned: 0, skipped: 0, byChannel: {} });
    expect(await messagesOf(a, '2026-03-10')).toHaveLength(4);
  });

  it('leaves the other organization untouched, and plans it on its own', async () => {
    expect(await messagesOf(b, '2026-03-10')).toHaveLength(0);
    const result = await planDay(db, b.orgId, '2026-03-10', at('2026-03-10'));
    // Beta recorded no opt-out and no promise: Ana and Carla are reached too.
    expect(result.planned).toBe(6);
  });

  it('never plans on weekends or bank holidays', async () => {
    expect(await planDay(db, a.orgId, '2026-03-08', at('2026-03-08'))).toMatchObject({
      businessDay: false,
      planned: 0,
    });
    expect(await planDay(db, a.orgId, '2026-04-03', at('2026-04-03'))).toMatchObject({
      businessDay: false,
      planned: 0,
    });
  });

  it('the next day, a step already taken is not repeated and the frequency cap counts yesterday', async () => {
    const result = await planDay(db, a.orgId, '2026-03-11', at('2026-03-11'));
    const messages = await messagesOf(a, '2026-03-11');
    // P7's emails are still due but Rui had 2 contacts yesterday: capped again.
    expect(messages.map((m) => m.document)).not.toContain('71460238001');
    expect(messages.map((m) => m.document)).not.toContain('52998224725');
    expect((await skipsOf(a, '2026-03-11')).filter((s) => s.externalId.startsWith('P7'))).toEqual([
      { externalId: 'P7-A', reason: 'frequency_cap', stepKey: 'lembrete' },
      { externalId: 'P7-B', reason: 'frequency_cap', stepKey: 'vencido' },
    ]);
    expect(result.planned).toBe(messages.length);
  });

  it('lists a debtor’s skips across dates, newest first, page by page', async () => {
    const rui = await debtorId(a, '71460238001');
    const seen: string[] = [];
    let after: { planDate: string; receivableId: number } | undefined;
    for (;;) {
      const [item] = await listSkips(db, a, { debtorId: rui, after, limit: 1 });
      if (!item) break;
      seen.push(`${item.planDate} ${item.externalId}`);
      after = { planDate: item.planDate, receivableId: item.receivableId };
    }
    expect(seen).toEqual(['2026-03-11 P7-B', '2026-03-11 P7-A', '2026-03-10 P7-B', '2026-03-10 P7-A']);
  });

  it('stops as soon as the debt is paid', async () => {
    await db.query(
      `update receivables set open_cents = 0, status = 'paid' where org_id = $1 and external_id = 'P5-A'`,
      [a.orgId],
    );
    await db.query(`update collection_holds set released_at = now() where org_id = $1`, [a.orgId]);
    await planDay(db, a.orgId, '2026-03-12', at('2026-03-12'));
    expect((await skipsOf(a, '2026-03-12')).map((s) => s.externalId)).not.toContain('P5-A');
    expect((await messagesOf(a, '2026-03-12')).map((m) => m.document)).not.toContain('12345678909');
  });
});

describe('the legal gate on negativação', () => {
  it('waits for the prior notice to go out, then for 10 days after it, and keeps the evidence', async () => {
    // P2 (due 2026-02-20): the letter was planned on 2026-03-10 but has not gone out, so the letter is
    // still the step due (already planned): no negativação, and no new decision to record.
    await planDay(db, a.orgId, '2026-03-17', at('2026-03-17')); // D+25
    expect((await skipsOf(a, '2026-03-17')).find((s) => s.externalId === 'P2-A')).toBeUndefined();
    const [early] = await db.query<{ n: number }>(
      `select count(*)::int as n from outbound_messages where org_id = $1 and channel = 'negativacao'`,
      [a.orgId],
    );
    expect(early?.n).toBe(0);
    // The letter goes out on 2026-03-10 at 15:00 São Paulo time.
    const outcome = await dispatchBatch(db, {
      workerId: 'test',
      channels: sandboxRegistry(db),
      now: () => new Date('2026-03-10T18:00:00Z'),
      batchSize: 1000,
    });
    expect(outcome.sent).toBeGreaterThan(0);
    await planDay(db, a.orgId, '2026-03-18', at('2026-03-18')); // 8 days after the letter
    expect((await skipsOf(a, '2026-03-18')).find((s) => s.externalId === 'P2-A')?.reason).toBe(
      'gate_notice_too_recent',
    );
    await planDay(db, a.orgId, '2026-03-20', at('2026-03-20')); // 10 days after the letter
    const [negativacao] = await db.query<{ evidence: { items: Array<Record<string, unknown>> } }>(
      `select m.evidence from outbound_messages m where m.org_id = $1 and m.channel = 'negativacao' and m.plan_date = '2026-03-20'`,
      [a.orgId],
    );
    expect(negativacao?.evidence.items[0]).toMatchObject({ daysLate: 28, noticeDays: 10, openCents: 30_000 });
    expect(negativacao?.evidence.items[0]?.noticeMessageId).toEqual(expect.any(Number));
    expect(creditorA).toBeGreaterThan(0);
  });
});
