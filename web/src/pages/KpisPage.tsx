// The charts' styles come with the charts (this page is loaded lazily), not with every page.
import '@mantine/charts/styles.css';

import { BarChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { KpiBucket, KpiFilters, KpiFunnelStage, KpiReport, TrendFilters } from '../api/types.ts';
import { DateField } from '../components/DateField.tsx';
import { DsoTrendChart } from '../components/DsoTrendChart.tsx';
import { AlertsSection } from '../components/kpis/AlertsSection.tsx';
import { type Drill, KpiDrillDrawer } from '../components/kpis/KpiDrillDrawer.tsx';
import { SlaSection } from '../components/kpis/SlaSection.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { monthLabel, RecoveryCurveChart } from '../components/RecoveryCurveChart.tsx';
import { formatCents, formatDate, formatInteger, todayInZone } from '../lib/format.ts';
import { currentMonth, type Period, previousMonth, previousPeriod } from '../lib/kpis.ts';
import { channelLabel } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';
import { useSession } from '../session.tsx';

const BUCKETS: readonly { key: KpiBucket; label: string; color: string }[] = [
  { key: 'current', label: 'A vencer', color: 'teal.6' },
  { key: '0-30', label: '1-30 dias', color: 'yellow.5' },
  { key: '31-60', label: '31-60 dias', color: 'orange.5' },
  { key: '61-90', label: '61-90 dias', color: 'orange.7' },
  { key: '91-180', label: '91-180 dias', color: 'red.6' },
  { key: '180+', label: '180+ dias', color: 'red.9' },
];
const bucketLabel = (bucket: KpiBucket) => BUCKETS.find((b) => b.key === bucket)?.label ?? bucket;

const STAGES: readonly { key: Exclude<KpiFunnelStage, 'failed'>; label: string; color: string }[] = [
  { key: 'attempted', label: 'Enviadas', color: 'blue.3' },
  { key: 'delivered', label: 'Entregues', color: 'blue.5' },
  { key: 'read', label: 'Lidas', color: 'blue.7' },
  { key: 'replied', label: 'Respondidas', color: 'blue.9' },
];

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const brlCompact = new Intl.NumberFormat('pt-BR', {
  style: 'currency',
  currency: 'BRL',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const percent = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
const signed = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1, signDisplay: 'exceptZero' });

type Preset = 'mes-atual' | 'mes-anterior' | 'personalizado';

// ---------------------------------------------------------------- headline cards

type Headline = {
  key: string;
  label: string;
  formula: string;
  /** The figure as a number to compare (a fraction, days, percent or centavos), or null. */
  value: (r: KpiReport) => number | null;
  show: (value: number) => string;
  /** The change between two values, in words ("+2,5 p.p."). */
  change: (now: number, before: number) => string;
  /** Whether a higher value is better (colors the change). */
  higherIsBetter: boolean;
  drill?: Drill;
};

const HEADLINES: Headline[] = [
  {
    key: 'dso',
    label: 'DSO',
    formula:
      'Prazo médio de recebimento: saldo a receber no fim do período ÷ vendas a prazo do período × dias do período.',
    value: (r) => r.dso.standard,
    show: (v) => `${decimal.format(v)} dias`,
    change: (a, b) => `${signed.format(a - b)} dias`,
    higherIsBetter: false,
  },
  {
    key: 'cei',
    label: 'CEI',
    formula:
      'Índice de eficiência da cobrança: (saldo no início + vendas a prazo − saldo no fim) ÷ (saldo no início + vendas a prazo − saldo a vencer no fim) × 100.',
    value: (r) => r.cei.percent,
    show: (v) => `${decimal.format(v)}%`,
    change: (a, b) => `${signed.format(a - b)} p.p.`,
    higherIsBetter: true,
  },
  {
    key: 'recovery',
    label: 'Taxa de recuperação',
    formula:
      'O que foi recebido no período sobre os títulos já vencidos no início ÷ o saldo vencido no início do período.',
    value: (r) => r.recovery.rate,
    show: (v) => percent.format(v),
    change: (a, b) => `${signed.format((a - b) * 100)} p.p.`,
    higherIsBetter: true,
    drill: { figure: { figure: 'recovered' }, title: 'Recuperado no período' },
  },
  {
    key: 'broken',
    label: 'Acordos quebrados',
    formula: 'Acordos feitos no período que quebraram até a data de posição ÷ acordos feitos no período.',
    value: (r) => r.agreements?.brokenRate ?? null,
    show: (v) => percent.format(v),
    change: (a, b) => `${signed.format((a - b) * 100)} p.p.`,
    higherIsBetter: false,
    drill: { figure: { figure: 'agreements', outcome: 'broken' }, title: 'Acordos quebrados' },
  },
  {
    key: 'promises',
    label: 'Promessas cumpridas',
    formula: 'Promessas de pagamento cumpridas ÷ (cumpridas + quebradas), entre as que venceram no período.',
    value: (r) => r.promises.keptRate,
    show: (v) => percent.format(v),
    change: (a, b) => `${signed.format((a - b) * 100)} p.p.`,
    higherIsBetter: true,
    drill: { figure: { figure: 'promises', outcome: 'kept' }, title: 'Promessas cumpridas' },
  },
  {
    key: 'cost',
    label: 'Custo por recebimento',
    formula:
      '(Custo das mensagens enviadas + tempo dos cobradores nas ligações) ÷ número de pagamentos recebidos no período.',
    value: (r) => r.costPerReceipt.perReceiptCents,
    show: (v) => formatCents(v),
    change: (a, b) => `${a - b > 0 ? '+' : a - b < 0 ? '−' : ''}${formatCents(Math.abs(a - b))}`,
    higherIsBetter: false,
  },
];

function HeadlineCard({
  headline,
  report,
  previous,
  onDrill,
}: {
  headline: Headline;
  report: KpiReport;
  previous: KpiReport | undefined;
  onDrill: (drill: Drill) => void;
}) {
  const value = headline.value(report);
  const before = previous ? headline.value(previous) : null;
  const shown = value === null ? 'sem dados' : headline.show(value);
  let changeColor = 'dimmed';
  if (value !== null && before !== null && value !== before)
    changeColor = value > before === headline.higherIsBetter ? 'green' : 'red';
  return (
    <Paper withBorder p="md" data-testid={`kpi-card-${headline.key}`}>
      <Stack gap={4}>
        <Tooltip label={headline.formula} multiline w={300} withArrow>
          <Text size="sm" c="dimmed" style={{ cursor: 'help' }} data-testid="kpi-card-label">
            {headline.label}
          </Text>
        </Tooltip>
        {headline.drill && value !== null ? (
          <UnstyledButton
            onClick={() => headline.drill && onDrill(headline.drill)}
            data-testid="kpi-card-drill"
            aria-label={`Ver devedores: ${headline.label}`}
          >
            <Text size="xl" fw={700} c="blue.7" data-testid="kpi-card-value">
              {shown}
            </Text>
          </UnstyledButton>
        ) : (
          <Text size="xl" fw={700} c={value === null ? 'dimmed' : undefined} data-testid="kpi-card-value">
            {shown}
          </Text>
        )}
        <Text size="xs" c="dimmed" data-testid="kpi-card-previous">
          Período anterior: {before === null ? 'sem dados' : headline.show(before)}
          {value !== null && before !== null && (
            <Text span size="xs" c={changeColor} fw={500} data-testid="kpi-card-change">
              {' '}
              ({headline.change(value, before)})
            </Text>
          )}
        </Text>
      </Stack>
    </Paper>
  );
}

// ---------------------------------------------------------------- aging

function AgingSection({
  report,
  previous,
  onDrill,
}: {
  report: KpiReport;
  previous: KpiReport | undefined;
  onDrill: (drill: Drill) => void;
}) {
  // The chart only displays values: reais as a float are fine here (money math stays in centavos).
  const row = (label: string, r: KpiReport) =>
    Object.fromEntries([
      ['posicao', label],
      ...r.aging.buckets.map((b) => [b.bucket, b.cents / 100] as const),
    ]) as Record<string, string | number>;
  const data = [
    ...(previous ? [row(`Anterior (${formatDate(previous.aging.asOf)})`, previous)] : []),
    row(`Atual (${formatDate(report.aging.asOf)})`, report),
  ];
  return (
    <Paper withBorder p="md" data-testid="kpi-aging">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={4}>Aging da carteira</Title>
          <Text size="xs" c="dimmed">
            Posição em {formatDate(report.aging.asOf)} · Em aberto {formatCents(report.aging.totalCents)} ·
            Inadimplência{' '}
            {report.aging.defaultRate === null ? 'sem dados' : percent.format(report.aging.defaultRate)}
          </Text>
        </Group>
        <BarChart
          h={220}
          data={data}
          dataKey="posicao"
          type="stacked"
          orientation="vertical"
          series={BUCKETS.map((b) => ({ name: b.key, label: b.label, color: b.color }))}
          valueFormatter={(value) => brl.format(value)}
          xAxisProps={{ tickFormatter: (value: number) => brlCompact.format(value) }}
          yAxisProps={{ width: 150 }}
          withLegend
          gridAxis="x"
        />
        <Group gap="lg" wrap="wrap">
          {report.aging.buckets.map((b) => (
            <UnstyledButton
              key={b.bucket}
              onClick={() =>
                onDrill({
                  figure: { figure: 'aging', bucket: b.bucket },
                  title: `Aging · ${bucketLabel(b.bucket)}`,
                })
              }
              data-testid={`kpi-aging-${b.bucket}`}
              aria-label={`Ver devedores: ${bucketLabel(b.bucket)}`}
            >
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {bucketLabel(b.bucket)}
                </Text>
                <Text size="sm" fw={500} c="blue.7">
                  {formatCents(b.cents)}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatInteger(b.count)} {b.count === 1 ? 'título' : 'títulos'}
                </Text>
              </Stack>
            </UnstyledButton>
          ))}
        </Group>
      </Stack>
    </Paper>
  );
}

// ---------------------------------------------------------------- channels

function CountLink({ value, onClick, testId }: { value: number; onClick: () => void; testId?: string }) {
  if (value === 0) return <>{formatInteger(0)}</>;
  return (
    <Anchor component="button" type="button" onClick={onClick} data-testid={testId}>
      {formatInteger(value)}
    </Anchor>
  );
}

function ChannelsSection({ report, onDrill }: { report: KpiReport; onDrill: (drill: Drill) => void }) {
  const channels = report.channels;
  return (
    <Paper withBorder p="md" data-testid="kpi-channels">
      <Stack gap="sm">
        <Title order={4}>Funil por canal</Title>
        {channels.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nenhuma mensagem enviada no período.
          </Text>
        ) : (
          <>
            <BarChart
              h={220}
              data={channels.map((ch) => ({
                canal: channelLabel(ch.channel),
                attempted: ch.attempted,
                delivered: ch.delivered,
                read: ch.read,
                replied: ch.replied,
              }))}
              dataKey="canal"
              series={STAGES.map((s) => ({ name: s.key, label: s.label, color: s.color }))}
              withLegend
              tickLine="y"
              gridAxis="y"
            />
            <Table.ScrollContainer minWidth={640}>
              <Table striped verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Canal</Table.Th>
                    {STAGES.map((s) => (
                      <Table.Th key={s.key} ta="right">
                        {s.label}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">Contato</Table.Th>
                    <Table.Th ta="right">Resposta</Table.Th>
                    <Table.Th ta="right">Custo</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {channels.map((ch) => (
                    <Table.Tr key={ch.channel}>
                      <Table.Td>{channelLabel(ch.channel)}</Table.Td>
                      {STAGES.map((s) => (
                        <Table.Td key={s.key} ta="right">
                          <CountLink
                            value={ch[s.key]}
                            onClick={() =>
                              onDrill({
                                figure: { figure: 'channel', channel: ch.channel, stage: s.key },
                                title: `${channelLabel(ch.channel)} · ${s.label}`,
                                counts: true,
                              })
                            }
                          />
                        </Table.Td>
                      ))}
                      <Table.Td ta="right">
                        {ch.contactRate === null ? '—' : percent.format(ch.contactRate)}
                      </Table.Td>
                      <Table.Td ta="right">
                        {ch.responseRate === null ? '—' : percent.format(ch.responseRate)}
                      </Table.Td>
                      <Table.Td ta="right">{formatCents(ch.costCents)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Paper>
  );
}

// ---------------------------------------------------------------- roll rates and conversion

function RollRatesSection({ report }: { report: KpiReport }) {
  return (
    <Paper withBorder p="md" data-testid="kpi-roll-rates">
      <Stack gap="sm">
        <Tooltip
          label="Do saldo de cada faixa num fim de mês, a parte que no fim do mês seguinte estava numa faixa mais atrasada."
          multiline
          w={320}
          withArrow
        >
          <Title order={4} style={{ cursor: 'help', alignSelf: 'flex-start' }}>
            Rolagem entre faixas
          </Title>
        </Tooltip>
        {report.rollRates.length === 0 ? (
          <Text size="sm" c="dimmed">
            sem dados: o período não cobre dois fins de mês.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Faixa</Table.Th>
                  {report.rollRates.map((r) => (
                    <Table.Th key={r.from} ta="right">
                      {formatDate(r.from)} → {formatDate(r.to)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {BUCKETS.filter((b) => b.key !== '180+').map((b) => (
                  <Table.Tr key={b.key}>
                    <Table.Td>{b.label}</Table.Td>
                    {report.rollRates.map((r) => {
                      const figure = r.buckets.find((x) => x.bucket === b.key);
                      return (
                        <Table.Td key={r.from} ta="right">
                          {figure?.rollRate == null ? 'sem dados' : percent.format(figure.rollRate)}
                          {figure && figure.cents > 0 && (
                            <Text span size="xs" c="dimmed">
                              {' '}
                              ({formatCents(figure.rolledCents)} de {formatCents(figure.cents)})
                            </Text>
                          )}
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

function ConversionSection({ report, onDrill }: { report: KpiReport; onDrill: (drill: Drill) => void }) {
  const steps = report.conversion.steps;
  return (
    <Paper withBorder p="md" data-testid="kpi-conversion">
      <Stack gap="sm">
        <Tooltip
          label={`Contatos de cada passo e variante seguidos de um pagamento em até ${report.conversion.windowDays} dias ÷ contatos cuja janela já fechou.`}
          multiline
          w={320}
          withArrow
        >
          <Title order={4} style={{ cursor: 'help', alignSelf: 'flex-start' }}>
            Conversão por passo e variante
          </Title>
        </Tooltip>
        {steps.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nenhum contato de régua no período.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Régua</Table.Th>
                  <Table.Th>Passo</Table.Th>
                  <Table.Th>Variante</Table.Th>
                  <Table.Th>Canal</Table.Th>
                  <Table.Th ta="right">Contatos</Table.Th>
                  <Table.Th ta="right">Avaliados</Table.Th>
                  <Table.Th ta="right">Convertidos</Table.Th>
                  <Table.Th ta="right">Conversão</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {steps.map((s) => (
                  <Table.Tr key={`${s.versionId}:${s.stepKey}:${s.variantKey}`}>
                    <Table.Td>
                      {s.cadenceName} v{s.version}
                    </Table.Td>
                    <Table.Td>{s.stepKey}</Table.Td>
                    <Table.Td>{s.variantKey}</Table.Td>
                    <Table.Td>{channelLabel(s.channel)}</Table.Td>
                    <Table.Td ta="right">{formatInteger(s.contacts)}</Table.Td>
                    <Table.Td ta="right">{formatInteger(s.judged)}</Table.Td>
                    <Table.Td ta="right">
                      <CountLink
                        value={s.converted}
                        onClick={() =>
                          onDrill({
                            figure: {
                              figure: 'conversion',
                              versionId: s.versionId,
                              stepKey: s.stepKey,
                              variantKey: s.variantKey,
                              converted: true,
                            },
                            title: `Convertidos · ${s.cadenceName} · ${s.stepKey} (${s.variantKey})`,
                            counts: true,
                          })
                        }
                      />
                    </Table.Td>
                    <Table.Td ta="right">{s.rate === null ? 'sem dados' : percent.format(s.rate)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

// ---------------------------------------------------------------- the page

/**
 * The charts over time, each from its own request (asked once the report is in, side by side with
 * each other, so the dashboard never waits for them): the recovery curve of the last six months of
 * due dates and DSO over the last twelve months, seen from the end of the period.
 */
function TrendsSection({
  filters,
  onDrill,
  onPickMonth,
}: {
  filters: TrendFilters;
  onDrill: (drill: Drill) => void;
  onPickMonth: (from: string, to: string) => void;
}) {
  const curve = useQuery({
    queryKey: keys.recoveryCurve(filters),
    queryFn: () => endpoints.getRecoveryCurve(filters),
  });
  const trend = useQuery({ queryKey: keys.dsoTrend(filters), queryFn: () => endpoints.getDsoTrend(filters) });
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Tooltip
            label="Para cada mês de vencimento: a parte do que ficou em aberto no vencimento que já foi recebida, dia a dia depois dele (até 180 dias)."
            multiline
            w={320}
          >
            <Title order={4} style={{ cursor: 'help', alignSelf: 'flex-start' }}>
              Curva de recuperação
            </Title>
          </Tooltip>
          {curve.isPending && <PageLoader />}
          {curve.isError && <ProblemAlert error={curve.error} title="Não foi possível calcular a curva" />}
          {curve.data && (
            <RecoveryCurveChart
              curve={curve.data}
              onDrill={(month) =>
                onDrill({ figure: { figure: 'cohort', month }, title: `Vencidos em ${monthLabel(month)}` })
              }
            />
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Tooltip
            label="DSO de cada mês: padrão (saldo no fim do mês ÷ vendas a prazo do mês × dias) e countback (meses de vendas, do mais recente para trás, que cobrem o saldo)."
            multiline
            w={320}
          >
            <Title order={4} style={{ cursor: 'help', alignSelf: 'flex-start' }}>
              Evolução do DSO
            </Title>
          </Tooltip>
          {trend.isPending && <PageLoader />}
          {trend.isError && <ProblemAlert error={trend.error} title="Não foi possível calcular o DSO" />}
          {trend.data && <DsoTrendChart trend={trend.data} onPick={(m) => onPickMonth(m.from, m.to)} />}
        </Stack>
      </Paper>
    </SimpleGrid>
  );
}

function Section({ children }: { children: ReactNode }) {
  return <Stack gap="md">{children}</Stack>;
}

/**
 * "Indicadores": the KPIs of a period for the organization or one creditor (a client viewer sees only
 * its own), compared with the previous period, each figure opening the debtors behind it.
 */
export function KpisPage() {
  const session = useSession();
  const today = todayInZone(session.organization.timeZone);
  const [params, setParams] = useSearchParams();
  const preset = (params.get('periodo') as Preset | null) ?? 'mes-atual';
  const creditorId = parseId(params.get('carteira'));
  let period: Period;
  if (preset === 'mes-anterior') period = previousMonth(today);
  else if (preset === 'personalizado')
    period = { from: params.get('de') ?? currentMonth(today).from, to: params.get('ate') ?? today };
  else period = currentMonth(today);
  const filters: KpiFilters = { ...period, creditorId };
  const previousFilters: KpiFilters = { ...previousPeriod(period), creditorId };
  const [drill, setDrill] = useState<Drill | null>(null);

  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });
  const validPeriod = period.from !== '' && period.to !== '' && period.from <= period.to;
  const report = useQuery({
    queryKey: keys.kpis(filters),
    queryFn: () => endpoints.getKpis(filters),
    enabled: validPeriod,
  });
  // The previous period's figures (the comparison) are asked once the period's own are in: side by
  // side, the two reports would share the database's cores and each would arrive later.
  const previous = useQuery({
    queryKey: keys.kpis(previousFilters),
    queryFn: () => endpoints.getKpis(previousFilters),
    enabled: validPeriod && report.isSuccess,
  });

  const set = (mutate: (p: URLSearchParams) => void) => editSearchParams(setParams, mutate);
  const creditorOptions = (creditors.data?.items ?? []).map((c) => ({
    value: String(c.id),
    label: c.tradeName ?? c.legalName,
  }));

  return (
    <Stack>
      <title>Indicadores · Régua</title>
      <Title order={2}>Indicadores</Title>
      <Paper withBorder p="md" data-testid="kpi-filters">
        <Group align="flex-end" wrap="wrap">
          <SegmentedControl
            value={preset}
            data-testid="kpi-period"
            data={[
              { value: 'mes-atual', label: 'Mês atual' },
              { value: 'mes-anterior', label: 'Mês anterior' },
              { value: 'personalizado', label: 'Personalizado' },
            ]}
            onChange={(value) =>
              set((p) => {
                p.set('periodo', value);
                if (value === 'personalizado') {
                  p.set('de', period.from);
                  p.set('ate', period.to);
                } else {
                  p.delete('de');
                  p.delete('ate');
                }
              })
            }
          />
          {preset === 'personalizado' && (
            <>
              <DateField
                label="De"
                value={period.from}
                onChange={(iso) => set((p) => p.set('de', iso))}
                data-testid="kpi-from"
              />
              <DateField
                label="Até"
                value={period.to}
                onChange={(iso) => set((p) => p.set('ate', iso))}
                data-testid="kpi-to"
              />
            </>
          )}
          <Select
            label="Carteira"
            placeholder="Todas as carteiras"
            data-testid="kpi-creditor"
            data={creditorOptions}
            value={creditorId === null ? null : String(creditorId)}
            onChange={(value) =>
              set((p) => {
                if (value) p.set('carteira', value);
                else p.delete('carteira');
              })
            }
            clearable
            searchable
            w={260}
          />
        </Group>
        <Text size="xs" c="dimmed" mt="xs" data-testid="kpi-period-label">
          De {formatDate(period.from)} a {formatDate(period.to)}, comparado com{' '}
          {formatDate(previousFilters.from)} a {formatDate(previousFilters.to)}.
        </Text>
      </Paper>

      {!validPeriod && (
        <Alert color="yellow" title="Período inválido">
          Informe as duas datas, com o início antes do fim.
        </Alert>
      )}
      {validPeriod && report.isPending && <PageLoader />}
      {report.isError && (
        <ProblemAlert error={report.error} title="Não foi possível calcular os indicadores" />
      )}
      {report.data && (
        <Section>
          {report.data.notes.length > 0 && (
            <Alert color="gray" data-testid="kpi-notes">
              <Stack gap={2}>
                {report.data.notes.map((note) => (
                  <Text key={note} size="sm">
                    {note}
                  </Text>
                ))}
              </Stack>
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} data-testid="kpi-cards">
            {HEADLINES.map((headline) => (
              <HeadlineCard
                key={headline.key}
                headline={headline}
                report={report.data}
                previous={previous.data}
                onDrill={setDrill}
              />
            ))}
          </SimpleGrid>
          <AgingSection report={report.data} previous={previous.data} onDrill={setDrill} />
          <ChannelsSection report={report.data} onDrill={setDrill} />
          <RollRatesSection report={report.data} />
          <ConversionSection report={report.data} onDrill={setDrill} />
        </Section>
      )}
      {/* The charts over time, the SLAs and the alerts come from requests of their own, made once the
          report is in: on a small server they would otherwise slow the dashboard's figures down. */}
      {validPeriod && !report.isPending && (
        <Section>
          <TrendsSection
            filters={{ to: period.to, creditorId }}
            onDrill={setDrill}
            onPickMonth={(from, to) =>
              set((p) => {
                p.set('periodo', 'personalizado');
                p.set('de', from);
                p.set('ate', to);
              })
            }
          />
          <SlaSection
            period={{ from: period.from, to: period.to, creditorId }}
            creditorName={(id) =>
              creditorOptions.find((c) => c.value === String(id))?.label ?? `Carteira ${id}`
            }
          />
          <AlertsSection />
        </Section>
      )}
      <KpiDrillDrawer filters={filters} drill={drill} onClose={() => setDrill(null)} />
    </Stack>
  );
}
