/**
 * The collectors' queue order: by expected recovery, without starving the early buckets.
 *
 * Calls are grouped by the debtor's aging bucket today; inside a bucket they go by expected recovery
 * (probability × open balance), highest first, calls not scored yet after the scored ones (by their
 * régua priority). The buckets then take turns in rounds: each round takes up to QUEUE_WEIGHTS[b] calls
 * from bucket b (3 from 0-30 days, 2 from 31-60 and 61-90, 1 from 91-180 and 180+), and a round's calls
 * go by expected recovery. So the k-th call of bucket b is never later than position
 * ceil(k / weight_b) × (sum of weights): big late tickets cannot push early cases, where collection
 * works best, out of sight. The SQL in src/channels/worklist.ts orders by the same rule.
 */

export const QUEUE_BUCKETS = ['0-30', '31-60', '61-90', '91-180', '180+'] as const;
export type QueueBucket = (typeof QUEUE_BUCKETS)[number];
export const QUEUE_WEIGHTS: Record<QueueBucket, number> = {
  '0-30': 3,
  '31-60': 2,
  '61-90': 2,
  '91-180': 1,
  '180+': 1,
};
export const QUEUE_ROUND = Object.values(QUEUE_WEIGHTS).reduce((a, b) => a + b, 0);

/** The queue bucket of a number of days late (not yet due counts with 0-30). */
export function queueBucket(daysLate: number): QueueBucket {
  if (daysLate <= 30) return '0-30';
  if (daysLate <= 60) return '31-60';
  if (daysLate <= 90) return '61-90';
  if (daysLate <= 180) return '91-180';
  return '180+';
}

/** The same bucketing and weight as SQL expressions of a days-late expression. */
export function queueBucketSql(days: string): string {
  return `case when ${days} <= 30 then '0-30' when ${days} <= 60 then '31-60' when ${days} <= 90 then '61-90'
               when ${days} <= 180 then '91-180' else '180+' end`;
}
export function queueWeightSql(days: string): string {
  return `case when ${days} <= 30 then ${QUEUE_WEIGHTS['0-30']} when ${days} <= 60 then ${QUEUE_WEIGHTS['31-60']}
               when ${days} <= 90 then ${QUEUE_WEIGHTS['61-90']} when ${days} <= 180 then ${QUEUE_WEIGHTS['91-180']}
               else ${QUEUE_WEIGHTS['180+']} end`;
}

export type QueueItem = {
  id: number;
  daysLate: number;
  /** Expected recovery in centavos; null when the case has no score yet. */
  expectedCents: number | null;
  /** The régua's priority (amount weighed by lateness), the order of calls not scored. */
  priority: number;
};

/** value desc (nulls last), then priority desc, then id desc. */
function compare(a: QueueItem, b: QueueItem): number {
  if (a.expectedCents !== b.expectedCents) {
    if (a.expectedCents === null) return 1;
    if (b.expectedCents === null) return -1;
    return b.expectedCents - a.expectedCents;
  }
  if (a.priority !== b.priority) return b.priority - a.priority;
  return b.id - a.id;
}

/** The queue, in order (pure; the worklist's SQL does the same). */
export function orderQueue<T extends QueueItem>(items: T[]): T[] {
  const byBucket = Map.groupBy(items, (item) => queueBucket(item.daysLate));
  const keyed: { item: T; round: number }[] = [];
  for (const [bucket, list] of byBucket) {
    const weight = QUEUE_WEIGHTS[bucket];
    list.sort(compare);
    list.forEach((item, i) => {
      keyed.push({ item, round: Math.floor(i / weight) });
    });
  }
  keyed.sort((a, b) => a.round - b.round || compare(a.item, b.item));
  return keyed.map((k) => k.item);
}
