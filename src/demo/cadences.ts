import type { Scope } from '../access/scope.ts';
import { dispatchBatch } from '../channels/dispatcher.ts';
import { providerResolver } from '../channels/providers.ts';
import type { Database } from '../db/client.ts';
import { activateCadenceVersion, createCadence } from '../dunning/cadences.ts';
import { isBankBusinessDay } from '../dunning/calendar.ts';
import { defaultCadence } from '../dunning/defaults.ts';
import { planDay } from '../dunning/planner.ts';
import { addDays, type CalendarDate } from '../shared/dates.ts';

/** Business days of cadence history the demo starts with. */
const HISTORY_BUSINESS_DAYS = 15;

/**
 * Gives every demo creditor the default régua, active, and plays its last business days: each day is
 * planned and dispatched to the sandbox at mid-morning, so the outbox, the sandbox inbox and the
 * debtors' timelines have history. Today is left to the scheduler of the running server.
 */
export async function seedDemoCadences(
  db: Database,
  scope: Scope,
  creditorIds: number[],
  asOf: CalendarDate,
  log: (line: string) => void,
): Promise<{ planned: number; sent: number }> {
  for (const creditorId of creditorIds) {
    const version = await createCadence(db, scope, {
      creditorId,
      name: 'Régua padrão',
      definition: defaultCadence(),
      note: 'Régua inicial da demonstração',
    });
    await activateCadenceVersion(db, scope, version.id);
  }
  const days: CalendarDate[] = [];
  for (let day = addDays(asOf, -1); days.length < HISTORY_BUSINESS_DAYS; day = addDays(day, -1)) {
    if (isBankBusinessDay(day)) days.unshift(day);
  }
  // The organization's providers: none are configured in the demo, so the sandbox and the worklist.
  const channels = providerResolver(db, { secretKey: null, publicUrl: 'http://localhost' });
  let planned = 0;
  let sent = 0;
  for (const day of days) {
    // 06:00 and 10:00 in São Paulo.
    const planAt = new Date(`${day}T09:00:00Z`);
    const sendAt = new Date(`${day}T13:00:00Z`);
    planned += (await planDay(db, scope.orgId, day, { now: planAt })).planned;
    for (;;) {
      const outcome = await dispatchBatch(db, {
        workerId: 'demo',
        channels,
        batchSize: 500,
        now: () => sendAt,
      });
      sent += outcome.sent;
      if (outcome.claimed < 500) break;
    }
  }
  log(
    `  cadence history: ${days.length} business days, ${planned} contacts planned, ${sent} sent to the sandbox`,
  );
  return { planned, sent };
}
