import {
  addMember,
  createOrganization,
  deleteOrganization,
  findOrganizationBySlug,
} from '../access/accounts.ts';
import { type Scope, scopeFor } from '../access/scope.ts';
import { seedDemoBilling } from '../billing/demo.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { createImport, runImport } from '../imports/run.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { trainAll } from '../scoring/scoring.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { seedDemoAgreements } from './agreements.ts';
import { seedDemoCadences } from './cadences.ts';
import { DEMO_CREDITORS, type DemoCreditorSpec, demoCsv, OTHER_CREDITOR } from './generate.ts';
import { seedDemoHistory } from './history.ts';
import { seedDemoPayments } from './payments.ts';

export const DEMO_PASSWORD = 'regua-demo';

export const DEMO_USERS = {
  admin: { email: 'admin@demo.regua.dev', name: 'Ana Admin', role: 'admin' },
  manager: { email: 'gestor@demo.regua.dev', name: 'Gustavo Gestor', role: 'manager' },
  collector: { email: 'cobrador@demo.regua.dev', name: 'Carla Cobradora', role: 'collector' },
  client: { email: 'cliente@nuvem.example.com', name: 'Cláudio Cliente (Nuvem)', role: 'client_viewer' },
  other: { email: 'admin@outra.regua.dev', name: 'Otávio (Outra Assessoria)', role: 'admin' },
} as const;

export type DemoResult = { created: boolean; orgSlug: string; receivables: number; debtors: number };

async function seedCreditor(
  db: Database,
  scope: Scope,
  spec: DemoCreditorSpec,
  seed: number,
  asOf: CalendarDate,
  log: (line: string) => void,
): Promise<{ id: number; imported: number }> {
  const creditor = await createCreditor(db, scope, {
    cnpj: spec.cnpj,
    legalName: spec.legalName,
    tradeName: spec.tradeName,
    segment: spec.segment,
    address: spec.address,
    monthlyFeeCents: spec.monthlyFeeCents,
    successFeeBasisPoints: spec.successFeeBasisPoints,
  });
  const { csv, optOuts, payments } = demoCsv(spec, seed, asOf);
  const bytes = Buffer.from(csv, 'utf8');
  const importId = await createImport(db, scope, {
    creditorId: creditor.id,
    source: 'csv',
    filename: `${spec.key}-carteira.csv`,
    totalBytes: bytes.byteLength,
  });
  const result = await runImport(db, scope, importId, {
    format: 'csv',
    bytes: (async function* () {
      yield bytes;
    })(),
  });
  if (result.status !== 'completed' || result.rejected > 0) {
    throw new Error(
      `demo import for ${spec.key} did not go in cleanly: ${result.errorMessage ?? `${result.rejected} rejected`}`,
    );
  }
  // Consents and opt-outs go into the ledger, and the current preferences are derived from it, as
  // recordConsent does: six in ten debtors with a mobile opted in to WhatsApp when they signed up.
  await withTenant(db, scope.orgId, async (tx) => {
    await tx.query(
      `insert into consent_events (org_id, debtor_id, channel, event, source, actor)
       select d.org_id, d.id, 'whatsapp', 'consent', 'cadastro', 'system'
         from debtors d
        where d.org_id = $1 and d.creditor_id = $2 and d.id % 10 < 6
          and (d.whatsapp is not null or exists (select 1 from unnest(d.phones) p where p ~ '^\\+55[0-9]{2}9'))
        order by d.id`,
      [scope.orgId, creditor.id],
    );
    await tx.query(
      `insert into consent_events (org_id, debtor_id, channel, event, source, actor)
       select d.org_id, d.id, o.channel, 'opt_out', 'demo', 'system'
         from jsonb_to_recordset($3::jsonb) as o(document text, channel text)
         join debtors d on d.org_id = $1 and d.creditor_id = $2 and d.document = o.document`,
      [scope.orgId, creditor.id, JSON.stringify(optOuts)],
    );
    await tx.query(
      `update debtors d set channel_preferences = p.prefs
         from (select debtor_id, jsonb_object_agg(channel, state) as prefs
                 from (select distinct on (e.debtor_id, e.channel) e.debtor_id, e.channel,
                              case when e.event = 'opt_out'
                                   then jsonb_build_object('optedOutAt', e.at, 'source', e.source)
                                   else jsonb_build_object('consentAt', e.at, 'source', e.source) end as state
                         from consent_events e
                         join debtors x on x.org_id = e.org_id and x.id = e.debtor_id and x.creditor_id = $2
                        where e.org_id = $1
                        order by e.debtor_id, e.channel, e.id desc) latest
                group by debtor_id) p
        where d.org_id = $1 and d.id = p.debtor_id`,
      [scope.orgId, creditor.id],
    );
  });
  // When the titles the file reports paid were paid: the history the behavioural score learns from.
  const history = await seedDemoHistory(db, scope, creditor.id, payments);
  log(`  ${spec.tradeName}: ${result.imported} receivables, ${history} past payments`);
  return { id: creditor.id, imported: result.imported };
}

/**
 * Creates the demo: organization `demo` (a BPO with three client companies) and a second organization
 * `outra`, so tenant isolation is always on show. Deterministic for a seed and date. Does nothing when
 * `demo` already exists.
 */
export async function seedDemo(
  db: Database,
  options: { seed?: number; asOf?: CalendarDate; log?: (line: string) => void } = {},
): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 2026;
  const existing = await findOrganizationBySlug(db, 'demo');
  if (existing) {
    // Users are added last: an organization without them is a demo whose creation was interrupted.
    const [member] = await db.query('select 1 from memberships where org_id = $1 limit 1', [existing.id]);
    if (member) return { created: false, orgSlug: 'demo', receivables: 0, debtors: 0 };
    log('The demo was interrupted while being created; creating it again.');
    for (const slug of ['demo', 'outra']) {
      const org = await findOrganizationBySlug(db, slug);
      if (org) await deleteOrganization(db, org.id);
    }
  }
  const asOf = options.asOf ?? todayIn('America/Sao_Paulo');
  log(`Creating the demo organization (seed ${seed}, as of ${asOf})...`);

  const demo = await createOrganization(db, { slug: 'demo', name: 'Cobra Bem BPO Financeiro' });
  const scope = scopeFor({
    orgId: demo.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: demo.timeZone,
  });
  const creditorIds: Record<string, number> = {};
  let receivables = 0;
  for (const spec of DEMO_CREDITORS) {
    const { id, imported } = await seedCreditor(db, scope, spec, seed, asOf, log);
    creditorIds[spec.key] = id;
    receivables += imported;
  }

  await seedDemoCadences(db, scope, Object.values(creditorIds), asOf, log);
  const paid = await seedDemoPayments(db, scope, asOf);
  log(`  payments: ${paid} Pix payments taken in`);
  const agreements = await seedDemoAgreements(db, scope, asOf);
  log(
    `  agreements: ${agreements.made} made, ${agreements.completed} completed, ${agreements.broken} broken`,
  );
  const billed = await seedDemoBilling(db, scope, creditorIds, asOf);
  log(`  billing: ${billed.payments} payments last month, ${billed.statements.length} fee statements issued`);

  const other = await createOrganization(db, { slug: 'outra', name: 'Outra Assessoria de Cobrança' });
  const otherScope = scopeFor({
    orgId: other.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: other.timeZone,
  });
  await seedCreditor(db, otherScope, OTHER_CREDITOR, seed, asOf, log);

  // Each creditor's payment model, trained on its history, and today's scores of its open cases.
  for (const [slug, orgScope] of [
    ['demo', scope],
    ['outra', otherScope],
  ] as const) {
    for (const r of await trainAll(db, orgScope, { asOf })) {
      const m = r.model;
      log(
        `  score ${slug} creditor ${m.creditorId}: ${m.kind === 'model' ? `model, AUC ${m.auc?.toFixed(3)} on ${m.nTest} held-out cases` : m.reason}`,
      );
    }
  }

  const { admin, manager, collector, client, other: otherAdmin } = DEMO_USERS;
  await addMember(db, { orgId: demo.id, ...admin, password: DEMO_PASSWORD });
  await addMember(db, { orgId: other.id, ...admin, password: DEMO_PASSWORD });
  await addMember(db, { orgId: demo.id, ...manager, password: DEMO_PASSWORD });
  await addMember(db, { orgId: demo.id, ...collector, password: DEMO_PASSWORD });
  await addMember(db, {
    orgId: demo.id,
    ...client,
    password: DEMO_PASSWORD,
    creditorIds: [creditorIds.nuvem ?? 0],
  });
  await addMember(db, { orgId: other.id, ...otherAdmin, password: DEMO_PASSWORD });

  const [count] = await db.query<{ debtors: number }>(
    'select count(*)::int as debtors from debtors where org_id = $1',
    [demo.id],
  );
  return { created: true, orgSlug: 'demo', receivables, debtors: count?.debtors ?? 0 };
}
