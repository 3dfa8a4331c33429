import { parseArgs } from 'node:util';
import { importBenchmark } from './import.ts';

const BENCHMARKS: Record<string, (args: string[]) => Promise<void>> = {
  import: importBenchmark,
};

const [name, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: { rows: { type: 'string' }, engine: { type: 'string' } },
  strict: false,
});
const selected = name && !name.startsWith('-') ? [name] : Object.keys(BENCHMARKS);
for (const bench of selected) {
  const run = BENCHMARKS[bench];
  if (!run) {
    console.error(`unknown benchmark "${bench}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(1);
  }
  await run(name && !name.startsWith('-') ? rest : process.argv.slice(2));
}
void values;
