import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { notFound } from '../shared/problem.ts';

export type VariantResult = {
  key: string;
  weight: number;
  /** Contacts sent with this variant. */
  contacted: number;
  /** Contacts old enough to be judged at 30 days, and those followed by a payment within 7 and 30 days. */
  mature: number;
  paid7: number;
  paid30: number;
  recoveredCents: number;
};

export type Verdict = 'winner' | 'not_yet' | 'no_difference';

export type ExperimentResult = {
  versionId: number;
  version: number;
  stepKey: string;
  channel: string;
  variants: VariantResult[];
  verdict: Verdict;
  winner: string | null;
  pValue: number | null;
  explanation: string;
};

/** Contacts each variant needs, judged at 30 days, before a verdict is given. */
export const MIN_MATURE_CONTACTS = 100;
/** With this many judged contacts per variant and still no significant difference, the test says so. */
export const ENOUGH_FOR_NO_DIFFERENCE = 1_000;
export const SIGNIFICANCE = 0.05;

/** Standard normal cumulative distribution (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of the two-proportion z-test (pooled), or null when it cannot be computed. */
export function twoProportionPValue(
  success1: number,
  n1: number,
  success2: number,
  n2: number,
): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (success1 + success2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = (success1 / n1 - success2 / n2) / se;
  return 2 * (1 - normalCdf(Math.abs(z)));
}

const percent = (x: number) => `${(x * 100).toFixed(1).replace('.', ',')}%`;

/**
 * The verdict on an A/B test: each challenger against the control ("a") on the share of contacts
 * followed by a payment within 30 days, with a Bonferroni correction for several challengers.
 */
export function judge(
  variants: VariantResult[],
): Pick<ExperimentResult, 'verdict' | 'winner' | 'pValue' | 'explanation'> {
  const control = variants.find((v) => v.key === 'a');
  const challengers = variants.filter((v) => v.key !== 'a');
  if (!control || challengers.length === 0)
    return {
      verdict: 'not_yet',
      winner: null,
      pValue: null,
      explanation: 'O teste precisa de ao menos duas variantes.',
    };
  const fewest = Math.min(...variants.map((v) => v.mature));
  if (fewest < MIN_MATURE_CONTACTS)
    return {
      verdict: 'not_yet',
      winner: null,
      pValue: null,
      explanation: `Ainda não: cada variante precisa de ${MIN_MATURE_CONTACTS} contatos com 30 dias de observação (a menor tem ${fewest}).`,
    };
  const threshold = SIGNIFICANCE / challengers.length;
  const rate = (v: VariantResult) => v.paid30 / v.mature;
  let best: { variant: VariantResult; p: number } | null = null;
  let smallestP = 1;
  for (const challenger of challengers) {
    const p = twoProportionPValue(challenger.paid30, challenger.mature, control.paid30, control.mature) ?? 1;
    smallestP = Math.min(smallestP, p);
    if (p < threshold && (!best || rate(challenger) > rate(best.variant))) best = { variant: challenger, p };
  }
  if (best) {
    const winner = rate(best.variant) > rate(control) ? best.variant : control;
    return {
      verdict: 'winner',
      winner: winner.key,
      pValue: best.p,
      explanation: `Variante ${winner.key.toUpperCase()} vence: ${percent(rate(winner))} pagaram em 30 dias contra ${percent(rate(winner === control ? best.variant : control))} (p = ${best.p.toFixed(3).replace('.', ',')}).`,
    };
  }
  if (fewest >= ENOUGH_FOR_NO_DIFFERENCE)
    return {
      verdict: 'no_difference',
      winner: null,
      pValue: smallestP,
      explanation: `Sem diferença: com ${fewest} contatos por variante, as taxas de pagamento em 30 dias não diferem de forma significativa.`,
    };
  return {
    verdict: 'not_yet',
    winner: null,
    pValue: smallestP,
    explanation: `Ainda não: a diferença observada pode ser acaso (p = ${smallestP.toFixed(3).replace('.', ',')}); continue o teste.`,
  };
}

/**
 * Results of every A/B test of a creditor's cadences: contacts per variant, and what followed them.
 * A contact counts as paid when a receivable it covered had its open balance reduced within 7 or 30
 * days of the contact (from the balances recorded by imports and, later, by payments).
 */
export async function experimentResults(
  db: Database,
  scope: Scope,
  creditorId: number,
  now: Date = new Date(),
): Promise<ExperimentResult[]> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.query<VariantResult & { versionId: number; version: number; stepKey: string; channel: string }>(
      `with steps as (
         select s.version_id, v.version, s.step_key, s.variant_key, s.channel, s.bucket_to - s.bucket_from as weight
           from cadence_steps s join cadence_versions v on v.org_id = s.org_id and v.id = s.version_id
          where s.org_id = $1 and v.creditor_id = $2
            and exists (select 1 from cadence_steps o where o.org_id = s.org_id and o.version_id = s.version_id
                          and o.step_key = s.step_key and o.variant_key <> 'a')
       ),
       contacts as (
         select m.id, m.version_id, m.step_key, m.variant_key, m.sent_at,
                m.sent_at <= $3::timestamptz - interval '30 days' as mature,
                coalesce((select sum(greatest((c.changes -> 'open_cents' ->> 0)::bigint - (c.changes -> 'open_cents' ->> 1)::bigint, 0))
                            from outbound_message_items i
                            join receivable_changes c on c.org_id = i.org_id and c.receivable_id = i.receivable_id
                           where i.org_id = m.org_id and i.message_id = m.id and c.changes ? 'open_cents'
                             and c.changed_at > m.sent_at and c.changed_at <= m.sent_at + interval '7 days'), 0) as rec7,
                coalesce((select sum(greatest((c.changes -> 'open_cents' ->> 0)::bigint - (c.changes -> 'open_cents' ->> 1)::bigint, 0))
                            from outbound_message_items i
                            join receivable_changes c on c.org_id = i.org_id and c.receivable_id = i.receivable_id
                           where i.org_id = m.org_id and i.message_id = m.id and c.changes ? 'open_cents'
                             and c.changed_at > m.sent_at and c.changed_at <= m.sent_at + interval '30 days'), 0) as rec30
           from outbound_messages m
          where m.org_id = $1 and m.creditor_id = $2 and m.status in ('sent', 'delivered', 'read')
            and (m.version_id, m.step_key) in (select version_id, step_key from steps)
       )
       select s.version_id as "versionId", s.version, s.step_key as "stepKey", s.channel, s.variant_key as key,
              s.weight, count(c.id)::int as contacted, count(c.id) filter (where c.mature)::int as mature,
              count(c.id) filter (where c.mature and c.rec7 > 0)::int as paid7,
              count(c.id) filter (where c.mature and c.rec30 > 0)::int as paid30,
              coalesce(sum(c.rec30), 0)::bigint as "recoveredCents"
         from steps s
         left join contacts c on c.version_id = s.version_id and c.step_key = s.step_key and c.variant_key = s.variant_key
        group by s.version_id, s.version, s.step_key, s.channel, s.variant_key, s.weight
        order by s.version desc, s.step_key, s.variant_key`,
      [scope.orgId, creditorId, now],
    ),
  );
  const tests = new Map<string, ExperimentResult>();
  for (const row of rows) {
    const id = `${row.versionId}:${row.stepKey}`;
    let test = tests.get(id);
    if (!test) {
      test = {
        versionId: row.versionId,
        version: row.version,
        stepKey: row.stepKey,
        channel: row.channel,
        variants: [],
        verdict: 'not_yet',
        winner: null,
        pValue: null,
        explanation: '',
      };
      tests.set(id, test);
    }
    const { key, weight, contacted, mature, paid7, paid30, recoveredCents } = row;
    test.variants.push({ key, weight, contacted, mature, paid7, paid30, recoveredCents });
  }
  return [...tests.values()].map((test) => ({ ...test, ...judge(test.variants) }));
}
