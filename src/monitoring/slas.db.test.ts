import { beforeAll, describe, expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { scopeFor } from '../access/scope.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { cnpjFromBase } from '../shared/documents.ts';
import { SLA_NOW, SLA_PERIOD, seedSlaHistory } from './fixture.ts';
import { computeSlas, getSlaTargets, listSlaBreaches, setSlaTargets } from './slas.ts';

/**
 * The SLAs' worked example (fixture.ts has the table; docs/MONITORING.md walks through it), planted in
 * organization A and again in B, so a missing tenant filter doubles a count.
 */
const fixture = seededDatabaseForFile();
const now = { now: SLA_NOW };
let c = 0;
let d = 0;
let bC = 0;

beforeAll(async () => {
  const { db, seeded } = fixture;
  const make = async (scope: typeof seeded.a.scope, base: string, name: string) =>
    (
      await createCreditor(db, scope, {
        cnpj: cnpjFromBase(base),
        legalName: name,
        tradeName: null,
        segment: null,
      })
    ).id;
  c = await make(seeded.a.scope, '556677880001', 'Metas Próprias Ltda');
  d = await make(seeded.a.scope, '556677990001', 'Metas Padrão Ltda');
  await seedSlaHistory(db, seeded.a.scope, { creditorId: c, defaultsCreditorId: d });
  bC = await make(seeded.b.scope, '556677880001', 'Metas na Beta Ltda');
  const bD = await make(seeded.b.scope, '556677990001', 'Padrão na Beta Ltda');
  await seedSlaHistory(db, seeded.b.scope, { creditorId: bC, defaultsCreditorId: bD, prefix: 'B' });
});

describe('SLAs per creditor', () => {
  it('judges the first contact after the due date and the answer to each reply against the creditor’s targets', async () => {
    const report = await computeSlas(
      fixture.db,
      fixture.seeded.a.scope,
      { ...SLA_PERIOD, creditorId: c },
      now,
    );
    expect(report.creditors).toHaveLength(1);
    const [own] = report.creditors;
    expect(own?.targets).toEqual({ firstContactDays: 2, replyHours: 4 });
    // S1 contacted in 1 day (met); S2 called on day 5 and S4 never contacted (breached); S5 due 04-14,
    // its deadline 04-16 not reached (pending); S3 paid on day 1 (not needed); S6 paid on its due date
    // (never late). 1 / (1 + 2) = 0.3333. Days of the contacts made: 1 and 5.
    expect(own?.firstContact).toEqual({
      kind: 'first_contact',
      met: 1,
      breached: 2,
      pending: 1,
      notNeeded: 1,
      compliance: 0.3333,
      median: 1,
      p90: 5,
    });
    // e1 answered in 2 h (met); e2's two messages are one turn, the assistant's answer does not count,
    // the call 97 h later does (breached); e4 wrote 2 h ago (pending). 1 / 2.
    expect(own?.reply).toEqual({
      kind: 'reply',
      met: 1,
      breached: 1,
      pending: 1,
      notNeeded: 0,
      compliance: 0.5,
      median: 2,
      p90: 97,
    });
  });

  it('uses the defaults for a creditor without targets of its own: 3 days, 24 hours', async () => {
    const report = await computeSlas(
      fixture.db,
      fixture.seeded.a.scope,
      { ...SLA_PERIOD, creditorId: d },
      now,
    );
    expect(report.creditors[0]?.targets).toEqual({ firstContactDays: 3, replyHours: 24 });
    // T1 contacted by SMS on day 4.
    expect(report.creditors[0]?.firstContact).toMatchObject({
      met: 0,
      breached: 1,
      compliance: 0,
      median: 4,
    });
    expect(report.creditors[0]?.reply).toMatchObject({ met: 0, breached: 0, compliance: null, median: null });
    expect(await getSlaTargets(fixture.db, fixture.seeded.a.scope, d)).toEqual({
      firstContactDays: 3,
      replyHours: 24,
      custom: false,
    });
  });

  it('lists the breaches, latest first, a page at a time, with the debtors behind them', async () => {
    const scope = fixture.seeded.a.scope;
    const first = await listSlaBreaches(
      fixture.db,
      scope,
      { ...SLA_PERIOD, creditorId: c, kind: 'first_contact' },
      { limit: 1 },
      now,
    );
    expect(first.items.map((b) => [b.name, b.elapsed, b.target, b.answeredAt])).toEqual([
      ['Devedor e4', null, 2, null],
    ]);
    const rest = await listSlaBreaches(
      fixture.db,
      scope,
      { ...SLA_PERIOD, creditorId: c, kind: 'first_contact' },
      { cursor: first.nextCursor, limit: 10 },
      now,
    );
    expect(rest.items.map((b) => [b.name, b.elapsed])).toEqual([['Devedor e2', 5]]);
    expect(rest.nextCursor).toBeNull();
    const replies = await listSlaBreaches(
      fixture.db,
      scope,
      { ...SLA_PERIOD, creditorId: c, kind: 'reply' },
      {},
      now,
    );
    expect(replies.items.map((b) => [b.name, b.elapsed, b.at])).toEqual([
      ['Devedor e2', 97, '2026-03-06T12:00:00.000Z'],
    ]);
  });

  it('keeps organizations and creditors apart: B’s identical history counts only in B, a client sees its creditor', async () => {
    const inB = await computeSlas(fixture.db, fixture.seeded.b.scope, { ...SLA_PERIOD, creditorId: bC }, now);
    expect(inB.creditors[0]?.firstContact).toMatchObject({ met: 1, breached: 2 });
    expect(inB.creditors[0]?.reply).toMatchObject({ met: 1, breached: 1, pending: 1 });
    await expect(
      computeSlas(fixture.db, fixture.seeded.a.scope, { ...SLA_PERIOD, creditorId: bC }, now),
    ).rejects.toMatchObject({ status: 404 });
    const client = scopeFor({
      orgId: fixture.seeded.a.scope.orgId,
      role: 'client_viewer',
      creditorIds: [c],
      userId: null,
      timeZone: 'America/Sao_Paulo',
    });
    const seen = await computeSlas(fixture.db, client, SLA_PERIOD, now);
    expect(seen.creditors.map((x) => x.creditorId)).toEqual([c]);
    await expect(
      computeSlas(fixture.db, client, { ...SLA_PERIOD, creditorId: d }, now),
    ).rejects.toMatchObject({ status: 404 });
    const all = await computeSlas(fixture.db, fixture.seeded.a.scope, SLA_PERIOD, now);
    expect(all.creditors.map((x) => x.creditorId)).toContain(fixture.seeded.a.creditorId);
    expect(all.creditors.find((x) => x.creditorId === c)?.firstContact.breached).toBe(2);
  });

  it('sets a creditor’s targets (audited) and judges by them from then on', async () => {
    const scope = { ...fixture.seeded.a.scope, actor: 'user:42' };
    await setSlaTargets(fixture.db, scope, d, { firstContactDays: 5, replyHours: 8 });
    const report = await computeSlas(fixture.db, scope, { ...SLA_PERIOD, creditorId: d }, now);
    expect(report.creditors[0]?.firstContact).toMatchObject({ met: 1, breached: 0, compliance: 1 });
    const [audit] = await fixture.db.query<{ action: string; after: unknown }>(
      `select action, after from audit_log where org_id = $1 and action = 'settings.sla_targets' order by seq desc limit 1`,
      [scope.orgId],
    );
    expect(audit).toEqual({ action: 'settings.sla_targets', after: { firstContactDays: 5, replyHours: 8 } });
    await expect(
      setSlaTargets(fixture.db, scope, d, { firstContactDays: -1, replyHours: 8 }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      setSlaTargets(fixture.db, fixture.seeded.b.scope, d, { firstContactDays: 1, replyHours: 8 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('gives an honest empty report for a period with nothing in it', async () => {
    const report = await computeSlas(
      fixture.db,
      fixture.seeded.a.scope,
      { from: '2020-01-01', to: '2020-01-31', creditorId: c },
      now,
    );
    expect(report.creditors[0]?.firstContact).toMatchObject({
      met: 0,
      breached: 0,
      compliance: null,
      median: null,
    });
  });
});
