// The charts' styles come with the charts (this module is loaded lazily), not with every page.
import '@mantine/charts/styles.css';

import { BarChart } from '@mantine/charts';
import { Paper, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { PlanSummary } from '../../api/types.ts';
import { channelColor, channelLabel, STEP_CHANNELS, skipReasonLabel } from '../../lib/labels.ts';

function ChartCard({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Text fw={600} mb="sm">
        {title}
      </Text>
      {children}
    </Paper>
  );
}

/** Planned contacts by channel and unplanned receivables by reason. */
export function PlanCharts({ summary }: { summary: PlanSummary }) {
  const channels = [
    ...STEP_CHANNELS.filter((c) => summary.byChannel[c]),
    ...Object.keys(summary.byChannel).filter((c) => !(STEP_CHANNELS as readonly string[]).includes(c)),
  ];
  const byChannel = channels.map((c) => ({
    canal: channelLabel(c),
    contatos: summary.byChannel[c] ?? 0,
    color: `${channelColor(c)}.6`,
  }));
  const byReason = Object.entries(summary.byReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => ({ motivo: skipReasonLabel(reason), titulos: n }));

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <ChartCard title="Contatos planejados por canal" testId="chart-channels">
        {byChannel.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nenhum contato planejado.
          </Text>
        ) : (
          <BarChart
            h={220}
            data={byChannel}
            dataKey="canal"
            series={[{ name: 'contatos', label: 'Contatos', color: 'blue.6' }]}
            xAxisProps={{ interval: 0, fontSize: 11 }}
            yAxisProps={{ allowDecimals: false }}
            maxBarWidth={56}
            tickLine="y"
            gridAxis="y"
            valueFormatter={(v) => v.toLocaleString('pt-BR')}
          />
        )}
      </ChartCard>
      <ChartCard title="Não planejados por motivo" testId="chart-reasons">
        {byReason.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nenhum título deixou de ser contatado.
          </Text>
        ) : (
          <BarChart
            h={Math.max(160, byReason.length * 34 + 40)}
            data={byReason}
            dataKey="motivo"
            orientation="vertical"
            series={[{ name: 'titulos', label: 'Títulos', color: 'orange.6' }]}
            yAxisProps={{ width: 190 }}
            xAxisProps={{ allowDecimals: false }}
            maxBarWidth={28}
            gridAxis="x"
            valueFormatter={(v) => v.toLocaleString('pt-BR')}
          />
        )}
      </ChartCard>
    </SimpleGrid>
  );
}
