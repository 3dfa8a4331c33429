/**
 * `regua score`: trains each creditor's payment model (or, with --evaluate, only measures it) and prints
 * per creditor the AUC on held-out debtors, the sizes, the positive rate, and the reason when the rules
 * are used.
 */
import { parseArgs } from 'node:util';
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { badRequest } from '../shared/problem.ts';
import { LABEL_DAYS, LABEL_SHARE } from './features.ts';
import { type TrainResult, trainAll } from './scoring.ts';

export const SCORE_USAGE = `regua score [--org SLUG] [--creditor ID] [--evaluate] [--json]
                                           train each creditor's payment model and score its open cases
                                           (--evaluate: measure only, store nothing); prints held-out AUC`;

export function scoreLine(slug: string, creditor: string, r: TrainResult): string {
  const m = r.model;
  const sizes = `${m.nTrain.toLocaleString('en')} training / ${m.nTest.toLocaleString('en')} held-out cases`;
  const rate = m.positiveRate === null ? '—' : `${(m.positiveRate * 100).toFixed(1)}%`;
  const head = `${slug} · ${creditor} (as of ${m.asOf}): `;
  const scored = r.scored === null ? '' : `; ${r.scored.toLocaleString('en')} open cases scored`;
  const time =
    r.scored === null
      ? ` [${r.seconds.train.toFixed(2)} s]`
      : ` [train ${r.seconds.train.toFixed(2)} s, score ${r.seconds.score.toFixed(2)} s]`;
  if (m.kind === 'rules') return `${head}rules — ${m.reason} (${sizes}, paid ${rate})${scored}${time}`;
  return `${head}model AUC ${m.auc === null ? 'n/a' : m.auc.toFixed(3)} on held-out debtors (${sizes}, paid ${rate})${scored}${time}`;
}

export async function scoreCommand(
  db: Database,
  args: string[],
  print: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      creditor: { type: 'string' },
      evaluate: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const creditorId = values.creditor === undefined ? undefined : Number(values.creditor);
  if (creditorId !== undefined && (!Number.isSafeInteger(creditorId) || creditorId <= 0))
    throw badRequest(`--creditor takes a creditor id, got "${values.creditor}"`);
  const orgs = await db.query<{ id: number; slug: string; timeZone: string }>(
    `select id, slug, time_zone as "timeZone" from organizations where ($1::text is null or slug = $1) order by id`,
    [values.org ?? null],
  );
  if (values.org && orgs.length === 0) throw badRequest(`there is no organization "${values.org}"`);
  const all: Array<{ org: string; creditor: string } & TrainResult> = [];
  if (!values.json)
    print(
      `Label: at least ${LABEL_SHARE * 100}% of the past-due balance paid within ${LABEL_DAYS} days of the cut; held-out: one debtor in five.`,
    );
  for (const org of orgs) {
    const scope = {
      ...scopeFor({ orgId: org.id, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone }),
      actor: 'cli',
    };
    if (creditorId !== undefined) {
      const [owns] = await db.query('select 1 from creditors where org_id = $1 and id = $2', [
        org.id,
        creditorId,
      ]);
      if (!owns) continue;
    }
    const names = new Map(
      (
        await db.query<{ id: number; name: string }>(
          'select id, coalesce(trade_name, legal_name) as name from creditors where org_id = $1',
          [org.id],
        )
      ).map((c) => [c.id, c.name]),
    );
    for (const result of await trainAll(db, scope, { evaluate: values.evaluate, creditorId })) {
      const name = names.get(result.model.creditorId) ?? String(result.model.creditorId);
      all.push({ org: org.slug, creditor: name, ...result });
      if (!values.json) print(scoreLine(org.slug, name, result));
    }
  }
  if (creditorId !== undefined && all.length === 0) throw badRequest(`there is no creditor ${creditorId}`);
  if (values.json) print(JSON.stringify(all));
}
