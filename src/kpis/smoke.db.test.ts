import { expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { computeKpis, kpiDebtors } from './kpis.ts';

const fixture = seededDatabaseForFile();

it('smoke', async () => {
  const { a } = fixture.seeded;
  const report = await computeKpis(fixture.db, a.scope, {
    from: '2026-01-01',
    to: '2026-03-31',
    asOf: '2026-03-31',
  });
  console.log(JSON.stringify(report, null, 1));
  for (const figure of [
    { figure: 'aging', bucket: '31-60' },
    { figure: 'recovered' },
    { figure: 'promises', outcome: 'kept' },
    { figure: 'churned' },
    { figure: 'channel', channel: 'email', stage: 'replied' },
    { figure: 'conversion', versionId: 1, stepKey: 'x', variantKey: 'a', converted: true },
  ] as const) {
    const page = await kpiDebtors(
      fixture.db,
      a.scope,
      { from: '2026-01-01', to: '2026-03-31', tags: ['x'], debtorKind: 'person', creditorId: a.creditorId },
      figure,
    );
    console.log(figure.figure, JSON.stringify(page));
  }
  expect(report).toBeTruthy();
});
