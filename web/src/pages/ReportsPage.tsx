import {
  Alert,
  Button,
  Group,
  List,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import {
  type MonthlyReport,
  type ReportBucket,
  reportDownloads,
  reportEndpoints,
  reportKeys,
} from '../api/reports.ts';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatCents, formatDate, formatDateTime, formatDocument, formatInteger } from '../lib/format.ts';
import { editSearchParams, parseId } from '../lib/params.ts';

const BUCKET_LABELS: Record<ReportBucket, string> = {
  current: 'A vencer',
  '0-30': '1 a 30 dias',
  '31-60': '31 a 60 dias',
  '61-90': '61 a 90 dias',
  '91-180': '91 a 180 dias',
  '180+': 'Mais de 180 dias',
};

const NO_DATA = 'sem dados';
const percent = new Intl.NumberFormat('pt-BR', {
  style: 'percent',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const decimal = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const ratio = (value: number | null) => (value === null ? NO_DATA : percent.format(value));

function kpiValue(unit: MonthlyReport['kpis']['rows'][number]['unit'], value: number | null): string {
  if (value === null) return NO_DATA;
  switch (unit) {
    case 'days':
      return `${decimal.format(value)} dias`;
    case 'ratio':
      return percent.format(value);
    case 'percent':
      return `${twoDecimals.format(value)}%`;
    case 'cents':
      return formatCents(value);
    case 'count':
      return formatInteger(value);
  }
}

function Card({
  label,
  value,
  previous,
  testId,
}: {
  label: string;
  value: string;
  previous?: string;
  testId: string;
}) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
      {previous !== undefined && (
        <Text size="xs" c="dimmed">
          Mês anterior: {previous}
        </Text>
      )}
    </Paper>
  );
}

function Summary({ report }: { report: MonthlyReport }) {
  const { portfolio, recovery, agreements, actions, kpis } = report;
  const sent = actions.byChannel.reduce((n, c) => n + c.attempted, 0);
  return (
    <Stack data-testid="report-summary">
      <Text size="sm" c="dimmed">
        {report.header.creditor.legalName} · CNPJ {formatDocument(report.header.creditor.cnpj)} ·{' '}
        {formatDate(report.header.from)} a {formatDate(report.header.dataUntil)} · gerado em{' '}
        {formatDateTime(report.header.generatedAt, report.header.timeZone)}
      </Text>
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
        <Card
          testId="report-card-portfolio"
          label="Carteira em aberto"
          value={formatCents(portfolio.totalCents)}
          previous={formatCents(portfolio.previous.totalCents)}
        />
        <Card
          testId="report-card-collected"
          label="Recebido no mês"
          value={formatCents(recovery.collectedCents)}
          previous={formatCents(recovery.previousCollectedCents)}
        />
        <Card
          testId="report-card-recovery"
          label="Taxa de recuperação"
          value={ratio(recovery.rate)}
          previous={ratio(recovery.previousRate)}
        />
        <Card
          testId="report-card-agreements"
          label="Acordos firmados"
          value={formatInteger(agreements.made)}
        />
        <Card testId="report-card-messages" label="Mensagens enviadas" value={formatInteger(sent)} />
        <Card testId="report-card-calls" label="Ligações feitas" value={formatInteger(actions.calls.done)} />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Paper withBorder p="md">
          <Title order={4} mb="xs">
            Carteira por faixa de atraso
          </Title>
          <Table data-testid="report-aging" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Faixa</Table.Th>
                <Table.Th ta="right">Fim do mês</Table.Th>
                <Table.Th ta="right">Títulos</Table.Th>
                <Table.Th ta="right">Mês anterior</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {portfolio.buckets.map((b) => (
                <Table.Tr key={b.bucket}>
                  <Table.Td>{BUCKET_LABELS[b.bucket]}</Table.Td>
                  <Table.Td ta="right">{formatCents(b.cents)}</Table.Td>
                  <Table.Td ta="right">{formatInteger(b.count)}</Table.Td>
                  <Table.Td ta="right">{formatCents(b.previousCents)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md">
          <Title order={4} mb="xs">
            Indicadores
          </Title>
          <Table data-testid="report-kpis" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Indicador</Table.Th>
                <Table.Th ta="right">No mês</Table.Th>
                <Table.Th ta="right">Mês anterior</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {kpis.rows.map((k) => (
                <Table.Tr key={k.key}>
                  <Table.Td>{k.label}</Table.Td>
                  <Table.Td ta="right">{kpiValue(k.unit, k.value)}</Table.Td>
                  <Table.Td ta="right">{kpiValue(k.unit, k.previous)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>

      <Text size="sm" data-testid="report-actions">
        Cartas: {formatInteger(actions.letters)} · Negativações: {formatInteger(actions.negativacoes)} ·
        Protestos: {formatInteger(actions.protests)} · Promessas registradas:{' '}
        {formatInteger(actions.promisesMade)} · Acordos quitados no mês: {formatInteger(agreements.completed)}{' '}
        · quebrados: {formatInteger(agreements.broken)}
      </Text>

      {report.notes.length > 0 && (
        <Paper withBorder p="md" data-testid="report-notes">
          <Title order={5} mb="xs">
            Observações
          </Title>
          <List size="sm">
            {report.notes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        </Paper>
      )}
    </Stack>
  );
}

/**
 * "Relatórios": a creditor's monthly report (a client viewer sees only its own creditors), its summary
 * and the PDF and XLSX to download. The running month is partial and says so.
 */
export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });
  const items = creditors.data?.items ?? [];
  const chosen = parseId(params.get('carteira'));
  const creditorId = chosen !== null && items.some((c) => c.id === chosen) ? chosen : (items[0]?.id ?? null);

  const months = useQuery({
    queryKey: reportKeys.months(creditorId ?? 0),
    queryFn: () => reportEndpoints.listReportMonths(creditorId ?? 0),
    enabled: creditorId !== null,
  });
  const monthList = months.data?.months ?? [];
  const askedMonth = params.get('mes');
  const month = monthList.find((m) => m.month === askedMonth)?.month ?? monthList[0]?.month ?? null;

  const report = useQuery({
    queryKey: reportKeys.report(creditorId ?? 0, month ?? ''),
    queryFn: () => reportEndpoints.getMonthlyReport(creditorId ?? 0, month ?? ''),
    enabled: creditorId !== null && month !== null,
  });

  const set = (mutate: (p: URLSearchParams) => void) => editSearchParams(setParams, mutate);

  return (
    <Stack>
      <title>Relatórios · Régua</title>
      <Title order={2}>Relatórios</Title>
      <Text size="sm" c="dimmed">
        Relatório mensal por carteira: carteira, valores recuperados, indicadores, ações realizadas e acordos,
        em PDF e em planilha.
      </Text>
      {creditors.isPending && <PageLoader />}
      {creditors.isError && (
        <ProblemAlert error={creditors.error} title="Não foi possível carregar as carteiras" />
      )}
      {creditors.isSuccess && items.length === 0 && <Alert color="gray">Nenhuma carteira disponível.</Alert>}
      {creditorId !== null && (
        <Paper withBorder p="md">
          <Group align="flex-end" wrap="wrap">
            <Select
              label="Carteira"
              data-testid="report-creditor"
              data={items.map((c) => ({ value: String(c.id), label: c.tradeName ?? c.legalName }))}
              value={String(creditorId)}
              allowDeselect={false}
              searchable
              w={280}
              onChange={(value) =>
                set((p) => {
                  if (value) p.set('carteira', value);
                  p.delete('mes');
                })
              }
            />
            <Select
              label="Mês"
              data-testid="report-month"
              data={monthList.map((m) => ({
                value: m.month,
                label: m.status === 'partial' ? `${m.label} (em andamento)` : m.label,
              }))}
              value={month}
              allowDeselect={false}
              w={240}
              disabled={monthList.length === 0}
              onChange={(value) =>
                set((p) => {
                  if (value) p.set('mes', value);
                })
              }
            />
            {month !== null && (
              <Group gap="xs">
                <Button
                  component="a"
                  href={reportDownloads.pdf(creditorId, month)}
                  download
                  data-testid="report-download-pdf"
                >
                  Baixar PDF
                </Button>
                <Button
                  component="a"
                  variant="light"
                  href={reportDownloads.xlsx(creditorId, month)}
                  download
                  data-testid="report-download-xlsx"
                >
                  Baixar planilha (XLSX)
                </Button>
              </Group>
            )}
          </Group>
        </Paper>
      )}
      {months.isError && <ProblemAlert error={months.error} title="Não foi possível listar os meses" />}
      {report.isPending && month !== null && <PageLoader />}
      {report.isError && <ProblemAlert error={report.error} title="Não foi possível gerar o relatório" />}
      {report.data?.header.banner && (
        <Alert color="yellow" title="Período em andamento" data-testid="report-banner">
          {report.data.header.banner}. Os números ainda podem mudar até o fechamento do mês.
        </Alert>
      )}
      {report.data && <Summary report={report.data} />}
    </Stack>
  );
}
