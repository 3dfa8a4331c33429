import { LineChart } from '@mantine/charts';
import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import type { DsoMonth, DsoTrend } from '../api/types.ts';
import { monthLabel } from './RecoveryCurveChart.tsx';

const days = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
const show = (value: number | null) => (value === null ? 'sem dados' : `${days.format(value)} dias`);

/**
 * DSO month by month, standard and countback; a month without credit sales has no standard DSO (a
 * gap, "sem dados"). Each month's button shows that month on the page.
 */
export function DsoTrendChart({ trend, onPick }: { trend: DsoTrend; onPick: (month: DsoMonth) => void }) {
  const data = trend.months.map((m) => ({
    mes: `${monthLabel(m.month)}${m.complete ? '' : '*'}`,
    standard: m.standard,
    countback: m.countback,
  }));
  const empty = trend.months.every((m) => m.standard === null && m.countback === null);
  return (
    <Stack gap="sm" data-testid="kpi-dso-trend">
      {empty ? (
        <Text size="sm" c="dimmed" data-testid="kpi-dso-trend-empty">
          Sem dados: nenhuma venda a prazo nem saldo em aberto nestes meses.
        </Text>
      ) : (
        <LineChart
          h={240}
          data={data}
          dataKey="mes"
          connectNulls={false}
          withLegend
          series={[
            { name: 'standard', label: 'DSO padrão', color: 'blue.6' },
            { name: 'countback', label: 'DSO countback', color: 'orange.6' },
          ]}
          valueFormatter={(value) => `${days.format(value)} dias`}
        />
      )}
      <Group gap="md" wrap="wrap">
        {trend.months.map((m) => (
          <UnstyledButton
            key={m.month}
            onClick={() => onPick(m)}
            data-testid={`kpi-dso-${m.month}`}
            aria-label={`Ver indicadores de ${monthLabel(m.month)}`}
          >
            <Stack gap={0}>
              <Text size="xs" c="dimmed">
                {monthLabel(m.month)}
                {m.complete ? '' : ' (parcial)'}
              </Text>
              <Text size="sm" fw={500} c={m.standard === null ? 'dimmed' : 'blue.7'}>
                {show(m.standard)}
              </Text>
              <Text size="xs" c="dimmed">
                countback {show(m.countback)}
              </Text>
            </Stack>
          </UnstyledButton>
        ))}
      </Group>
    </Stack>
  );
}
