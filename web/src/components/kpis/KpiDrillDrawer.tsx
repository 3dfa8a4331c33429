import { Anchor, Button, Drawer, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { KpiFigure, KpiFilters } from '../../api/types.ts';
import { formatCents, formatDate, formatInteger } from '../../lib/format.ts';
import { CsvExportButton } from '../CsvExportButton.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

export type Drill = {
  figure: KpiFigure;
  /** What the panel is about, e.g. "Aging · 180+ dias". */
  title: string;
  /** Figures of messages count contacts, not money. */
  counts?: boolean;
};

function DrillList({ filters, drill }: { filters: KpiFilters; drill: Drill }) {
  const debtors = useInfiniteQuery({
    queryKey: keys.kpiDebtors(filters, drill.figure),
    queryFn: ({ pageParam }) => endpoints.listKpiDebtors(filters, drill.figure, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  if (debtors.isPending) return <PageLoader />;
  if (debtors.isError)
    return <ProblemAlert error={debtors.error} title="Não foi possível listar os devedores" />;
  const items = debtors.data.pages.flatMap((page) => page.items);
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="kpi-drill-empty">
        Nenhum devedor por trás deste número.
      </Text>
    );
  return (
    <Stack gap="sm">
      <Table striped verticalSpacing="xs" data-testid="kpi-drill-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Devedor</Table.Th>
            {!drill.counts && <Table.Th ta="right">Valor</Table.Th>}
            <Table.Th ta="right">{drill.counts ? 'Mensagens' : 'Itens'}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((debtor) => (
            <Table.Tr key={debtor.debtorId} data-testid="kpi-drill-row">
              <Table.Td>
                <Anchor component={Link} to={`/debtors/${debtor.debtorId}`} data-testid="kpi-drill-debtor">
                  {debtor.name}
                </Anchor>
              </Table.Td>
              {!drill.counts && (
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {formatCents(debtor.cents)}
                </Table.Td>
              )}
              <Table.Td ta="right">{formatInteger(debtor.count)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {debtors.hasNextPage && (
        <Button
          variant="light"
          onClick={() => void debtors.fetchNextPage()}
          loading={debtors.isFetchingNextPage}
          data-testid="kpi-drill-more"
        >
          Carregar mais
        </Button>
      )}
    </Stack>
  );
}

/** The side panel listing the debtors behind one figure of the Indicadores page. */
export function KpiDrillDrawer({
  filters,
  drill,
  onClose,
}: {
  filters: KpiFilters;
  drill: Drill | null;
  onClose: () => void;
}) {
  return (
    <Drawer
      opened={drill !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={drill?.title ?? ''}
      data-testid="kpi-drill"
    >
      {drill && (
        <Stack gap="sm">
          <Group justify="space-between" align="center">
            <Text size="xs" c="dimmed">
              Período de {formatDate(filters.from)} a {formatDate(filters.to)}. Maiores primeiro.
            </Text>
            <CsvExportButton
              path="/api/v1/kpis/debtors/export.csv"
              query={{ ...filters, ...drill.figure }}
              filename="indicadores-devedores.csv"
              data-testid="kpi-drill-csv"
            />
          </Group>
          <DrillList filters={filters} drill={drill} />
        </Stack>
      )}
    </Drawer>
  );
}
