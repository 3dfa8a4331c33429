import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { endpoints, keys, LIST_PAGE_SIZE } from '../../api/endpoints.ts';
import type { SkipFilters } from '../../api/types.ts';
import { formatCents, formatDate } from '../../lib/format.ts';
import { dayLabel, skipExplanation, skipReasonLabel } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';
import { ChannelBadge } from '../ChannelIcon.tsx';
import { CsvExportButton } from '../CsvExportButton.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const HOLD_REASONS = new Set(['hold_dispute', 'hold_agreement', 'hold_promise', 'hold_pause']);

function reasonColor(reason: string): string {
  if (HOLD_REASONS.has(reason)) return 'blue';
  if (reason.startsWith('gate_')) return 'red';
  if (reason === 'frequency_cap' || reason === 'state_holiday') return 'gray';
  return 'orange';
}

/**
 * Receivables whose due step was not planned, with the reason in words. Pages by receivable id, which
 * only works within one date: across dates (a debtor's history) the first page is shown.
 */
export function SkipsTable({
  filters,
  showDebtor = true,
  showDate = false,
}: {
  filters: SkipFilters;
  showDebtor?: boolean;
  showDate?: boolean;
}) {
  const session = useSession();
  const skips = useInfiniteQuery({
    queryKey: keys.skips(filters),
    queryFn: ({ pageParam, signal }) => endpoints.listSkips(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => {
      const item = last.items[last.items.length - 1];
      return !item || last.items.length < LIST_PAGE_SIZE
        ? undefined
        : `${item.planDate}:${item.receivableId}`;
    },
    placeholderData: keepPreviousData,
  });
  const rows = skips.data?.pages.flatMap((p) => p.items) ?? [];

  if (skips.isPending) return <PageLoader />;
  if (skips.isError && !skips.isFetchNextPageError) return <ProblemAlert error={skips.error} />;
  if (rows.length === 0)
    return (
      <Text c="dimmed" data-testid="skips-empty">
        Nenhum título deixou de ser contatado{filters.date !== undefined ? ' nesta data' : ''}.
      </Text>
    );

  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={900}>
        <Table
          striped
          verticalSpacing="sm"
          data-testid="skips-table"
          style={{ opacity: skips.isPlaceholderData ? 0.6 : 1 }}
        >
          <Table.Thead style={{ whiteSpace: 'nowrap' }}>
            <Table.Tr>
              {showDate && <Table.Th>Data</Table.Th>}
              {showDebtor && <Table.Th>Devedor</Table.Th>}
              <Table.Th>Título</Table.Th>
              <Table.Th>Etapa</Table.Th>
              <Table.Th w="50%">Motivo</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((s) => (
              <Table.Tr
                key={`${s.planDate}-${s.receivableId}-${s.stepKey}`}
                data-testid="skip-row"
                data-reason={s.reason}
                style={{ verticalAlign: 'top' }}
              >
                {showDate && <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(s.planDate)}</Table.Td>}
                {showDebtor && (
                  <Table.Td>
                    <Anchor component={Link} to={`/debtors/${s.debtorId}`} size="sm" fw={500}>
                      {s.debtorName}
                    </Anchor>
                  </Table.Td>
                )}
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{s.externalId}</Text>
                  {s.detail.openCents !== undefined && (
                    <Text size="xs" c="dimmed">
                      {formatCents(s.detail.openCents)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <ChannelBadge channel={s.channel} />
                    {s.detail.offsetDays !== undefined && (
                      <Text size="sm" fw={500}>
                        {dayLabel(s.detail.offsetDays)}
                      </Text>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed">
                    {s.stepKey} · {s.segmentKey}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={reasonColor(s.reason)} data-testid="skip-reason">
                    {skipReasonLabel(s.reason)}
                  </Badge>
                  <Text size="sm" mt={4} data-testid="skip-explanation">
                    {skipExplanation(s, session.organization.timeZone)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="skips-count">
          {rows.length === 1 ? '1 título exibido' : `${rows.length} títulos exibidos`}
        </Text>
        <CsvExportButton
          path="/api/v1/plan/skips/export.csv"
          query={{ ...filters }}
          filename="contatos-nao-planejados.csv"
          data-testid="skips-csv"
        />
        {skips.hasNextPage && (
          <Button
            variant="light"
            onClick={() => void skips.fetchNextPage()}
            loading={skips.isFetchingNextPage}
            data-testid="skips-load-more"
          >
            Carregar mais
          </Button>
        )}
      </Group>
      {skips.isFetchNextPageError && <ProblemAlert error={skips.error} />}
    </Stack>
  );
}
