import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIELD_NAMES, type Field, matchColumns } from '../imports/columns.ts';
import { readCsv } from '../imports/csv.ts';
import { validateRow } from '../imports/rows.ts';
import { DEMO_CREDITORS, demoCsv } from './generate.ts';

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

describe('demo data', () => {
  it('is the same for the same seed and date, and different for another seed', () => {
    const spec = DEMO_CREDITORS[1];
    if (!spec) throw new Error('no demo creditor');
    expect(digest(demoCsv(spec, 7, '2026-11-22').csv)).toBe(digest(demoCsv(spec, 7, '2026-11-22').csv));
    expect(digest(demoCsv(spec, 8, '2026-11-22').csv)).not.toBe(digest(demoCsv(spec, 7, '2026-11-22').csv));
  });

  it('gives every creditor rows that all pass validation, over 18 months, with every kind of history', async () => {
    for (const spec of DEMO_CREDITORS) {
      const records: { line: number; cells: string[] }[] = [];
      const text = (async function* () {
        yield demoCsv(spec, 2026, '2026-11-22').csv;
      })();
      for await (const event of readCsv(text)) if (event.kind === 'record') records.push(event);
      const [header, ...lines] = records;
      const columns = matchColumns(header?.cells ?? []);
      const statuses = new Set<string>();
      const dueDates: string[] = [];
      for (const { line, cells } of lines) {
        const values: Partial<Record<Field, string>> = {};
        for (const field of FIELD_NAMES) {
          const index = columns[field];
          if (index !== undefined) values[field] = cells[index] ?? '';
        }
        const result = validateRow({ line, values, columnNames: {} });
        if ('errors' in result) throw new Error(`${spec.key} line ${line}: ${JSON.stringify(result.errors)}`);
        statuses.add(result.row.status);
        dueDates.push(result.row.dueDate);
      }
      expect(lines).toHaveLength(spec.receivables);
      expect([...statuses].sort()).toEqual(expect.arrayContaining(['open', 'paid', 'partially_paid']));
      dueDates.sort();
      expect((dueDates[0] ?? '') < '2025-07-22').toBe(true);
    }
  });
});
