import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { importCsv } from '../../test/support/seed.ts';
import { createOrganization } from '../access/accounts.ts';
import { type Scope, scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { activateCadenceVersion, createCadence } from '../dunning/cadences.ts';
import { DEFAULT_SETTINGS } from '../dunning/definition.ts';
import { planDay } from '../dunning/planner.ts';
import { schedulerTick } from '../dunning/scheduler.ts';
import { recordConsent } from '../portfolio/consents.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';
import { dispatchBatch } from './dispatcher.ts';

let t: TestDatabase;
let db: Database;
let scope: Scope;

/** A provider at the edge of the network, answering what each test needs. */
function provider(answer: (m: OutgoingMessage) => SendResult): Channel & { seen: OutgoingMessage[] } {
  const seen: OutgoingMessage[] = [];
  return {
    id: 'test-provider',
    seen,
    async send(messages) {
      seen.push(...messages);
      return messages.map(answer);
    },
  };
}

const sent = (m: OutgoingMessage): SendResult => ({
  ok: true,
  providerMessageId: `p-${m.id}`,
  costCents: 7,
  status: 'sent',
});

async function message(externalId: string) {
  const [row] = await db.query<{
    id: number;
    status: string;
    attempts: number;
    nextAttemptAt: Date;
    lastError: string | null;
    body: string | null;
  }>(
    `select m.id, m.status, m.attempts, m.next_attempt_at as "nextAttemptAt", m.last_error as "lastError", m.body
       from outbound_messages m
       join outbound_message_items i on i.org_id = m.org_id and i.message_id = m.id
       join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
      where r.external_id = $1`,
    [externalId],
  );
  if (!row) throw new Error(`no message for ${externalId}`);
  return row;
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  const org = await createOrganization(db, { slug: 'alfa', name: 'Alfa' });
  await createOrganization(db, { slug: 'beta', name: 'Beta' });
  scope = scopeFor({ orgId: org.id, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone });
  const creditor = await createCreditor(db, scope, {
    cnpj: '11.222.333/0001-81',
    legalName: 'Credora Ltda',
    tradeName: 'Credora',
    segment: null,
  });
  await importCsv(
    db,
    scope,
    creditor.id,
    [
      'id;cpf_cnpj;nome;email;uf;vencimento;valor',
      'W-1;529.982.247-25;Maria Silva;maria@example.com;AM;2026-03-09;100,00',
      'W-2;390.533.447-05;José Souza;jose@example.com;SP;2026-03-09;100,00',
      'W-3;111.444.777-35;Ana Lima;ana@example.com;SP;2026-03-09;100,00',
      'W-4;935.411.347-80;Pedro Alves;pedro@example.com;SP;2026-03-09;100,00',
      'W-5;123.456.789-09;Carla Dias;carla@example.com;SP;2026-03-09;100,00',
    ].join('\n'),
  );
  const version = await createCadence(db, scope, {
    creditorId: creditor.id,
    name: 'E-mail',
    definition: {
      settings: structuredClone(DEFAULT_SETTINGS),
      segments: [
        {
          key: 'todos',
          name: 'Todos',
          rules: {},
          steps: [
            {
              key: 'email-d1',
              offsetDays: 1,
              channel: 'email',
              template: {
                subject: 'Aviso',
                body: '{{debtor.firstName}}: {{total}}. {{creditor.name}} {{creditor.cnpj}}',
              },
            },
          ],
        },
      ],
    },
  });
  await activateCadenceVersion(db, scope, version.id);
  await planDay(db, scope.orgId, '2026-03-10', { now: new Date('2026-03-10T09:00:00Z') });
}, 120_000);
afterAll(() => t?.drop());

describe('the dispatcher', () => {
  it('re-checks at send time: outside the window it waits for the next opening, paid or opted out it cancels', async () => {
    await db.query(`update receivables set open_cents = 0, status = 'paid' where external_id = 'W-3'`);
    const [pedro] = await db.query<{ id: number }>(`select id from debtors where document = '93541134780'`);
    await recordConsent(db, scope, {
      debtorId: pedro?.id ?? 0,
      channel: 'email',
      event: 'opt_out',
      source: 'phone',
    });
    const channel = provider(sent);
    // 07:30 in São Paulo is 06:30 in Manaus: nobody's window is open yet.
    const early = await dispatchBatch(db, {
      workerId: 'w1',
      channels: new Map([['email', channel]]),
      now: () => new Date('2026-03-10T10:30:00Z'),
    });
    expect(early).toMatchObject({ claimed: 5, sent: 0, deferred: 3, cancelled: 2 });
    expect(channel.seen).toHaveLength(0);
    const maria = await message('W-1');
    // The next opening in Manaus (UTC-4) is 08:00 local, 12:00Z; in São Paulo 08:00 local, 11:00Z.
    expect(maria).toMatchObject({ status: 'queued', attempts: 0 });
    expect(maria.nextAttemptAt.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect((await message('W-2')).nextAttemptAt.toISOString()).toBe('2026-03-10T11:00:00.000Z');
    expect(await message('W-3')).toMatchObject({
      status: 'cancelled',
      lastError: 'paid: nothing left to collect',
    });
    expect(await message('W-4')).toMatchObject({ status: 'cancelled', lastError: 'opted out of email' });

    const later = await dispatchBatch(db, {
      workerId: 'w1',
      channels: new Map([['email', channel]]),
      now: () => new Date('2026-03-10T11:30:00Z'),
    });
    // Maria, in Manaus, is not due before 12:00Z.
    expect(later).toMatchObject({ claimed: 2, sent: 2 });
    expect(channel.seen.map((m) => m.body).sort()).toEqual([
      'Carla: R$ 100,00. Credora 11.222.333/0001-81',
      'José: R$ 100,00. Credora 11.222.333/0001-81',
    ]);
  });

  it('retries a transient failure with backoff, and stops at a permanent one', async () => {
    const flaky = provider(() => ({ ok: false, permanent: false, error: 'HTTP 503 from the provider' }));
    const noon = new Date('2026-03-10T15:00:00Z');
    const outcome = await dispatchBatch(db, {
      workerId: 'w2',
      channels: new Map([['email', flaky]]),
      now: () => noon,
    });
    expect(outcome).toMatchObject({ claimed: 1, retrying: 1 });
    const maria = await message('W-1');
    expect(maria).toMatchObject({ status: 'queued', attempts: 1, lastError: 'HTTP 503 from the provider' });
    expect(maria.nextAttemptAt.getTime() - noon.getTime()).toBe(30_000);
    // Not due again before its backoff.
    expect(
      (await dispatchBatch(db, { workerId: 'w2', channels: new Map([['email', flaky]]), now: () => noon }))
        .claimed,
    ).toBe(0);
    const refused = provider(() => ({ ok: false, permanent: true, error: '550 mailbox unavailable' }));
    const after = new Date(noon.getTime() + 31_000);
    await dispatchBatch(db, { workerId: 'w2', channels: new Map([['email', refused]]), now: () => after });
    expect(await message('W-1')).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: '550 mailbox unavailable',
    });
  });

  it('fails a message whose channel has no provider, saying so', async () => {
    const [creditor] = await db.query<{ id: number }>('select id from creditors where org_id = $1', [
      scope.orgId,
    ]);
    await importCsv(
      db,
      scope,
      creditor?.id ?? 0,
      'id;cpf_cnpj;nome;email;uf;vencimento;valor\nW-6;390.533.447-05;José Souza;jose@example.com;SP;2026-03-10;50,00',
    );
    await planDay(db, scope.orgId, '2026-03-11', { now: new Date('2026-03-11T09:00:00Z') });
    const outcome = await dispatchBatch(db, {
      workerId: 'w3',
      channels: new Map(),
      now: () => new Date('2026-03-11T15:00:00Z'),
    });
    expect(outcome).toMatchObject({ claimed: 1, failed: 1 });
    expect(await message('W-6')).toMatchObject({
      status: 'failed',
      lastError: 'no provider configured for email',
    });
  });
});

describe('provider rate limits', () => {
  it('hands a provider no more than its rate; the rest waits without spending an attempt', async () => {
    const [creditor] = await db.query<{ id: number }>('select id from creditors where org_id = $1', [
      scope.orgId,
    ]);
    const rows = [
      '111.444.777-35',
      '935.411.347-80',
      '123.456.789-09',
      '529.982.247-25',
      '390.533.447-05',
    ].map((cpf, i) => `R-${i};${cpf};Pessoa ${i};p${i}@example.com;SP;2026-03-12;10,00`);
    await importCsv(
      db,
      scope,
      creditor?.id ?? 0,
      `id;cpf_cnpj;nome;email;uf;vencimento;valor\n${rows.join('\n')}`,
    );
    await planDay(db, scope.orgId, '2026-03-13', { now: new Date('2026-03-13T09:00:00Z') });
    const slow = { ...provider(sent), ratePerSecond: 2 };
    const outcome = await dispatchBatch(db, {
      workerId: 'w4',
      channels: new Map([['email', slow]]),
      now: () => new Date('2026-03-13T15:00:00Z'),
    });
    // Pedro opted out of e-mail earlier: four contacts.
    expect(outcome).toMatchObject({ claimed: 4, sent: 2, deferred: 2 });
    const waiting = await db.query<{ attempts: number; nextAttemptAt: Date }>(
      `select attempts, next_attempt_at as "nextAttemptAt" from outbound_messages where status = 'queued' and plan_date = '2026-03-13'`,
    );
    expect(waiting.map((w) => w.attempts)).toEqual([0, 0]);
    expect(waiting[0]?.nextAttemptAt.toISOString()).toBe('2026-03-13T15:00:01.000Z');
  });
});

describe('the scheduler', () => {
  it('plans each organization once per business day, after 06:00 local time', async () => {
    const runs = async () =>
      (
        await db.query<{ n: number }>(
          `select count(*)::int as n from plan_runs where plan_date = '2026-03-12'`,
        )
      )[0]?.n;
    const at = (iso: string) => schedulerTick(db, new Date(iso));
    await at('2026-03-12T08:30:00Z'); // 05:30 in São Paulo
    expect(await runs()).toBe(0);
    await at('2026-03-12T09:30:00Z'); // 06:30
    expect(await runs()).toBe(2);
    await at('2026-03-12T10:30:00Z');
    expect(await runs()).toBe(2);
    await at('2026-03-14T12:00:00Z'); // a Saturday: nothing
    expect(
      (
        await db.query<{ n: number }>(
          `select count(*)::int as n from plan_runs where plan_date = '2026-03-14'`,
        )
      )[0]?.n,
    ).toBe(0);
  });
});
