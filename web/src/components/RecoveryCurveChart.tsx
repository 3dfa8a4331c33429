import { LineChart } from '@mantine/charts';
import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import type { RecoveryCurve } from '../api/types.ts';
import { formatCents } from '../lib/format.ts';

const COLORS = [
  'blue.4',
  'teal.5',
  'grape.5',
  'orange.5',
  'red.6',
  'indigo.7',
  'cyan.7',
  'lime.7',
  'pink.6',
  'yellow.7',
  'violet.6',
  'gray.7',
];
const MONTHS = ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'];
const percent = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });

/** 'YYYY-MM' as "mar/2026". */
export function monthLabel(month: string): string {
  return `${MONTHS[Number(month.slice(5, 7)) - 1] ?? month.slice(5, 7)}/${month.slice(0, 4)}`;
}

/**
 * The recovery curve: one line per month of due dates, the cumulative share of what was left unpaid
 * on the due date recovered by days since it. A cohort with nothing owed has no line ("sem dados");
 * each cohort's button opens its debtors.
 */
export function RecoveryCurveChart({
  curve,
  onDrill,
}: {
  curve: RecoveryCurve;
  onDrill: (month: string) => void;
}) {
  const withData = curve.cohorts.filter((c) => c.points.length > 0);
  const longest = Math.max(-1, ...withData.map((c) => c.observedDays));
  // One row per day since the due date; a cohort not followed that long yet has no value there.
  const data = Array.from({ length: longest + 1 }, (_, day) =>
    Object.fromEntries([
      ['dia', day],
      ...withData.map((c) => {
        const share = c.points[day]?.share;
        return [c.month, share === undefined || share === null ? null : share * 100] as const;
      }),
    ]),
  );
  return (
    <Stack gap="sm" data-testid="kpi-recovery-curve">
      {withData.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="kpi-recovery-curve-empty">
          Sem dados: nenhum título destes meses ficou em aberto após o vencimento.
        </Text>
      ) : (
        <LineChart
          h={260}
          data={data}
          dataKey="dia"
          curveType="stepAfter"
          withDots={false}
          connectNulls={false}
          withLegend
          series={withData.map((c) => ({
            name: c.month,
            label: monthLabel(c.month),
            color: COLORS[curve.cohorts.indexOf(c) % COLORS.length] ?? 'blue.6',
          }))}
          valueFormatter={(value) => percent.format(value / 100)}
          yAxisProps={{ domain: [0, 100], tickFormatter: (value: number) => `${value}%` }}
          xAxisProps={{ tickFormatter: (value: number) => `${value}d` }}
          xAxisLabel="Dias desde o vencimento"
        />
      )}
      <Group gap="lg" wrap="wrap">
        {curve.cohorts.map((c) => {
          const last = c.points.at(-1);
          return c.points.length === 0 ? (
            <Stack key={c.month} gap={0} data-testid={`kpi-cohort-${c.month}`}>
              <Text size="xs" c="dimmed">
                {monthLabel(c.month)}
              </Text>
              <Text size="sm" c="dimmed">
                sem dados
              </Text>
            </Stack>
          ) : (
            <UnstyledButton
              key={c.month}
              onClick={() => onDrill(c.month)}
              data-testid={`kpi-cohort-${c.month}`}
              aria-label={`Ver devedores que venceram em ${monthLabel(c.month)}`}
            >
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {monthLabel(c.month)} · {c.observedDays} dias
                </Text>
                <Text size="sm" fw={500} c="blue.7">
                  {last?.share === null || last === undefined ? 'sem dados' : percent.format(last.share)}
                </Text>
                <Text size="xs" c="dimmed">
                  de {formatCents(c.overdueCents)}
                </Text>
              </Stack>
            </UnstyledButton>
          );
        })}
      </Group>
    </Stack>
  );
}
