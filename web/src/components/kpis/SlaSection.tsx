import {
  Anchor,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { SlaFigure, SlaKind } from '../../api/types.ts';
import { formatDate, formatDateTime, formatInteger } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import { CsvExportButton } from '../CsvExportButton.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const percent = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });

export type SlaPeriod = { from: string; to: string; creditorId?: number | null };

const KIND_LABEL: Record<SlaKind, string> = {
  first_contact: 'Primeiro contato após o vencimento',
  reply: 'Resposta ao devedor',
};
const unit = (kind: SlaKind, value: number | null) =>
  value === null
    ? '—'
    : kind === 'first_contact'
      ? `${decimal.format(value)} d`
      : `${decimal.format(value)} h`;

/** One SLA of one creditor in a row: compliance, median, p90 and the counts. */
function FigureCells({ figure }: { figure: SlaFigure }) {
  return (
    <>
      <Table.Td ta="right" data-testid={`sla-compliance-${figure.kind}`}>
        {figure.compliance === null ? (
          <Text span size="sm" c="dimmed">
            sem dados
          </Text>
        ) : (
          <Text span size="sm" fw={500} c={figure.compliance < 0.8 ? 'red.7' : 'teal.7'}>
            {percent.format(figure.compliance)}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">{unit(figure.kind, figure.median)}</Table.Td>
      <Table.Td ta="right">{unit(figure.kind, figure.p90)}</Table.Td>
      <Table.Td ta="right">
        <Tooltip
          label={`${figure.met} no prazo · ${figure.breached} fora do prazo · ${figure.pending} aguardando · ${figure.notNeeded} dispensados (pagos antes do prazo)`}
        >
          <Text span size="sm">
            {formatInteger(figure.breached)} / {formatInteger(figure.met + figure.breached)}
          </Text>
        </Tooltip>
      </Table.Td>
    </>
  );
}

function Breaches({ period, kind }: { period: SlaPeriod; kind: SlaKind }) {
  const session = useSession();
  const breaches = useInfiniteQuery({
    queryKey: keys.slaBreaches(period, kind),
    queryFn: ({ pageParam }) => endpoints.listSlaBreaches(period, kind, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  if (breaches.isPending) return <PageLoader />;
  if (breaches.isError)
    return <ProblemAlert error={breaches.error} title="Não foi possível listar os descumprimentos" />;
  const items = breaches.data.pages.flatMap((p) => p.items);
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="sla-breaches-empty">
        Nenhum prazo descumprido no período.
      </Text>
    );
  return (
    <Stack gap="xs">
      <Table striped verticalSpacing="xs" data-testid="sla-breaches">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Devedor</Table.Th>
            <Table.Th>{kind === 'first_contact' ? 'Atraso desde' : 'Mensagem recebida'}</Table.Th>
            <Table.Th>{kind === 'first_contact' ? 'Primeiro contato' : 'Resposta'}</Table.Th>
            <Table.Th ta="right">Levou</Table.Th>
            <Table.Th ta="right">Meta</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((b) => (
            <Table.Tr key={`${b.id}-${b.debtorId}`} data-testid="sla-breach-row">
              <Table.Td>
                <Anchor component={Link} to={`/debtors/${b.debtorId}`}>
                  {b.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {kind === 'first_contact'
                  ? formatDate(b.at.slice(0, 10))
                  : formatDateTime(b.at, session.organization.timeZone)}
              </Table.Td>
              <Table.Td>
                {b.answeredAt ? (
                  formatDateTime(b.answeredAt, session.organization.timeZone)
                ) : (
                  <Text span size="sm" c="red.7">
                    ainda não
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{unit(kind, b.elapsed)}</Table.Td>
              <Table.Td ta="right">{unit(kind, b.target)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {breaches.hasNextPage && (
        <Button
          variant="light"
          size="xs"
          onClick={() => void breaches.fetchNextPage()}
          loading={breaches.isFetchingNextPage}
        >
          Carregar mais
        </Button>
      )}
    </Stack>
  );
}

/**
 * "SLAs": per creditor, the share of receivables contacted within the target after falling due and of
 * debtor replies answered within the target, with median and p90, and the breaches with their debtors.
 */
export function SlaSection({
  period,
  creditorName,
}: {
  period: SlaPeriod;
  creditorName: (id: number) => string;
}) {
  const [kind, setKind] = useState<SlaKind>('first_contact');
  const slas = useQuery({ queryKey: keys.slas(period), queryFn: () => endpoints.getSlas(period) });
  return (
    <Paper withBorder p="md" data-testid="kpi-slas">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={4}>SLAs</Title>
          <Text size="xs" c="dimmed">
            Títulos vencidos e mensagens recebidas de {formatDate(period.from)} a {formatDate(period.to)}
          </Text>
        </Group>
        {slas.isPending && <PageLoader />}
        {slas.isError && <ProblemAlert error={slas.error} title="Não foi possível calcular os SLAs" />}
        {slas.data && (
          <Table verticalSpacing="xs" data-testid="sla-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th rowSpan={2}>Carteira</Table.Th>
                <Table.Th colSpan={4} ta="center">
                  Primeiro contato após o vencimento
                </Table.Th>
                <Table.Th colSpan={4} ta="center">
                  Resposta ao devedor
                </Table.Th>
              </Table.Tr>
              <Table.Tr>
                {[
                  'no prazo',
                  'mediana',
                  'p90',
                  'fora / julgados',
                  'no prazo',
                  'mediana',
                  'p90',
                  'fora / julgados',
                ].map((h, i) => (
                  <Table.Th key={`${h}-${i < 4 ? 'c' : 'r'}`} ta="right">
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {slas.data.creditors.map((c) => (
                <Table.Tr key={c.creditorId} data-testid="sla-row">
                  <Table.Td>
                    <Stack gap={0}>
                      <Anchor component={Link} to={`/creditors/${c.creditorId}`} size="sm">
                        {creditorName(c.creditorId)}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        metas: {c.targets.firstContactDays} d · {c.targets.replyHours} h
                      </Text>
                    </Stack>
                  </Table.Td>
                  <FigureCells figure={c.firstContact} />
                  <FigureCells figure={c.reply} />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="space-between" align="flex-end">
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(value) => setKind(value as SlaKind)}
            data={[
              { value: 'first_contact', label: KIND_LABEL.first_contact },
              { value: 'reply', label: KIND_LABEL.reply },
            ]}
            data-testid="sla-kind"
          />
          <CsvExportButton
            path="/api/v1/slas/breaches/export.csv"
            query={{ ...period, kind }}
            filename="sla-descumprimentos.csv"
            data-testid="sla-breaches-csv"
          />
        </Group>
        <Breaches period={period} kind={kind} />
      </Stack>
    </Paper>
  );
}
