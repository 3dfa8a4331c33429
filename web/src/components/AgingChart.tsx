// The charts' styles come with the charts (this module is loaded lazily), not with every page.
import '@mantine/charts/styles.css';

import { BarChart } from '@mantine/charts';
import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { endpoints, keys } from '../api/endpoints.ts';
import { formatCents, formatDate, formatInteger } from '../lib/format.ts';
import { AGING_BUCKETS } from '../lib/labels.ts';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const brlCompact = new Intl.NumberFormat('pt-BR', {
  style: 'currency',
  currency: 'BRL',
  notation: 'compact',
  maximumFractionDigits: 1,
});

export function AgingChart({ creditorId }: { creditorId: number }) {
  const aging = useQuery({ queryKey: keys.aging(creditorId), queryFn: () => endpoints.getAging(creditorId) });

  if (aging.isPending) return <PageLoader />;
  if (aging.isError) return <ProblemAlert error={aging.error} title="Não foi possível carregar o aging" />;

  const byKey = new Map(aging.data.buckets.map((b) => [b.bucket, b]));
  const rows = AGING_BUCKETS.map(({ key, label, color }) => {
    const bucket = byKey.get(key);
    const openCents = bucket?.openCents ?? 0;
    return { key, label, color, count: bucket?.count ?? 0, openCents };
  });
  // Each datum's `color` paints its bar. The chart only displays values: reais as a float are fine here (money math stays in centavos).
  const data = rows.map((row) => ({ faixa: row.label, emAberto: row.openCents / 100, color: row.color }));
  const total = rows.reduce((sum, row) => sum + row.openCents, 0);

  return (
    <Paper withBorder p="md" data-testid="aging">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={4}>Aging da carteira</Title>
          <Text size="xs" c="dimmed">
            Posição em {formatDate(aging.data.asOf)} · Total em aberto {formatCents(total)}
          </Text>
        </Group>
        <BarChart
          h={240}
          data={data}
          dataKey="faixa"
          series={[{ name: 'emAberto', label: 'Em aberto', color: 'blue.6' }]}
          valueFormatter={(value) => brl.format(value)}
          yAxisProps={{ tickFormatter: (value: number) => brlCompact.format(value), width: 80 }}
          tickLine="y"
          gridAxis="y"
        />
        <Group gap="lg" wrap="wrap">
          {rows.map((row) => (
            <Stack key={row.key} gap={0} data-testid={`aging-${row.key}`}>
              <Text size="xs" c="dimmed">
                {row.label === 'A vencer' ? row.label : `${row.label} dias`}
              </Text>
              <Text size="sm" fw={500}>
                {formatCents(row.openCents)}
              </Text>
              <Text size="xs" c="dimmed">
                {formatInteger(row.count)} {row.count === 1 ? 'título' : 'títulos'}
              </Text>
            </Stack>
          ))}
        </Group>
      </Stack>
    </Paper>
  );
}
