import { billingBenchmark } from './billing.ts';
import { channelsBenchmark } from './channels.ts';
import { dispatchBenchmark, planBenchmark } from './dunning.ts';
import { exportBenchmark } from './export.ts';
import { importBenchmark } from './import.ts';
import { kpisBenchmark } from './kpis.ts';
import { portalBenchmark } from './portal.ts';
import { reconcileBenchmark } from './reconcile.ts';
import { reportsBenchmark } from './reports.ts';
import { scoringBenchmark } from './scoring.ts';
import { webhooksBenchmark } from './webhooks.ts';

/** `npm run bench [-- NAME] [options]`: every benchmark, or the one named, with its own options. */
const BENCHMARKS: Record<string, (args: string[]) => Promise<void>> = {
  import: importBenchmark,
  plan: planBenchmark,
  dispatch: dispatchBenchmark,
  channels: channelsBenchmark,
  webhooks: webhooksBenchmark,
  portal: portalBenchmark,
  reconcile: reconcileBenchmark,
  kpis: kpisBenchmark,
  billing: billingBenchmark,
  report: reportsBenchmark,
  export: exportBenchmark,
  score: scoringBenchmark,
};

const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && !first.startsWith('-');
const args = named ? rest : process.argv.slice(2);
for (const name of named ? [first] : Object.keys(BENCHMARKS)) {
  const run = BENCHMARKS[name];
  if (!run) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(1);
  }
  await run(args);
}
