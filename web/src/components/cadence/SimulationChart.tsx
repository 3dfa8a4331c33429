// The charts' styles come with the charts (this module is loaded lazily), not with every page.
import '@mantine/charts/styles.css';

import { LineChart } from '@mantine/charts';
import type { Simulation } from '../../api/types.ts';

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const brlCompact = new Intl.NumberFormat('pt-BR', {
  style: 'currency',
  currency: 'BRL',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const COLORS = ['blue.6', 'orange.6', 'grape.6'];

export interface SimulationRun {
  id: number;
  label: string;
  result: Simulation;
}

/** Cumulative recovery by day of each run, overlaid. Reais as floats for display only. */
export function SimulationChart({ runs }: { runs: SimulationRun[] }) {
  const days = Math.max(0, ...runs.map((r) => r.result.days));
  const byDay = new Map<number, Record<string, number>>();
  for (let day = 0; day <= days; day += 1) byDay.set(day, { day });
  runs.forEach((run, i) => {
    for (const point of run.result.series) {
      const row = byDay.get(point.day) ?? { day: point.day };
      row[`run${i}`] = point.cumulativeRecoveredCents / 100;
      byDay.set(point.day, row);
    }
  });
  const data = [...byDay.values()]
    .filter((row) => Object.keys(row).length > 1)
    .sort((a, b) => (a.day ?? 0) - (b.day ?? 0));
  return (
    <LineChart
      h={280}
      data={data}
      dataKey="day"
      series={runs.map((run, i) => ({ name: `run${i}`, label: run.label, color: COLORS[i] ?? 'gray.6' }))}
      curveType="monotone"
      withDots={false}
      withLegend
      valueFormatter={(value) => brl.format(value)}
      xAxisProps={{ tickFormatter: (day: number) => String(day) }}
      yAxisProps={{ tickFormatter: (value: number) => brlCompact.format(value), width: 80 }}
      xAxisLabel="Dias de simulação"
      gridAxis="xy"
      connectNulls
    />
  );
}
