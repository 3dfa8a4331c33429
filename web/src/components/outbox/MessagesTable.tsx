import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { endpoints, keys, LIST_PAGE_SIZE } from '../../api/endpoints.ts';
import type { MessageFilters, OutboundMessage } from '../../api/types.ts';
import { formatCents, formatDateTime } from '../../lib/format.ts';
import { dayLabel } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';
import { ChannelBadge } from '../ChannelIcon.tsx';
import { CsvExportButton } from '../CsvExportButton.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { MessageStatusBadge } from '../StatusBadge.tsx';
import { CallResult, LetterLink, MessageBody, MessageWhy } from './MessageDetails.tsx';

/** The outbox filtered, newest first, a page at a time (keyset on the message id). */
export function useMessages(filters: MessageFilters) {
  return useInfiniteQuery({
    queryKey: keys.messages(filters),
    queryFn: ({ pageParam, signal }) => endpoints.listMessages(filters, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) =>
      last.items.length < LIST_PAGE_SIZE ? undefined : (last.items[last.items.length - 1]?.id ?? undefined),
    placeholderData: keepPreviousData,
  });
}

export function stepLabel(message: Pick<OutboundMessage, 'why' | 'stepKey'>): string {
  const offset = message.why.offsetDays;
  return offset === undefined ? (message.stepKey ?? '—') : dayLabel(offset);
}

/** Planned contacts of a day: who, where, which step, status and why. */
export function MessagesTable({ filters }: { filters: MessageFilters }) {
  const session = useSession();
  const messages = useMessages(filters);
  const rows = messages.data?.pages.flatMap((p) => p.items) ?? [];
  const tz = session.organization.timeZone;

  if (messages.isPending) return <PageLoader />;
  if (messages.isError && !messages.isFetchNextPageError) return <ProblemAlert error={messages.error} />;
  if (rows.length === 0)
    return (
      <Text c="dimmed" data-testid="messages-empty">
        Nenhum contato planejado nesta data.
      </Text>
    );

  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={1000}>
        <Table
          striped
          verticalSpacing="sm"
          data-testid="messages-table"
          style={{ opacity: messages.isPlaceholderData ? 0.6 : 1 }}
        >
          <Table.Thead style={{ whiteSpace: 'nowrap' }}>
            <Table.Tr>
              <Table.Th>Devedor</Table.Th>
              <Table.Th>Canal</Table.Th>
              <Table.Th>Etapa</Table.Th>
              <Table.Th>Situação</Table.Th>
              <Table.Th w="45%">Motivo</Table.Th>
              <Table.Th ta="right">Custo</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((m) => (
              <Table.Tr key={m.id} data-testid="message-row" style={{ verticalAlign: 'top' }}>
                <Table.Td>
                  <Anchor component={Link} to={`/debtors/${m.debtorId}`} size="sm" fw={500}>
                    {m.debtorName}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {m.toAddress ?? 'sem destino'}
                  </Text>
                </Table.Td>
                <Table.Td miw={130}>
                  <ChannelBadge channel={m.channel} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" fw={500}>
                    {stepLabel(m)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {m.stepKey ?? '—'}
                    {m.variantKey && m.variantKey !== 'a' ? ` · var. ${m.variantKey.toUpperCase()}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <MessageStatusBadge status={m.status} />
                  <Text size="xs" c="dimmed" mt={2} style={{ whiteSpace: 'nowrap' }}>
                    {m.sentAt
                      ? formatDateTime(m.sentAt, tz)
                      : `a partir de ${formatDateTime(m.nextAttemptAt, tz)}`}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={4}>
                    <MessageWhy message={m} />
                    <CallResult message={m} />
                    <MessageBody subject={m.subject} body={m.body} />
                    <LetterLink message={m} />
                  </Stack>
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {m.costCents === null ? '—' : formatCents(m.costCents)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="messages-count">
          {rows.length === 1 ? '1 contato exibido' : `${rows.length} contatos exibidos`}
        </Text>
        <CsvExportButton
          path="/api/v1/messages/export.csv"
          query={{ ...filters }}
          filename="contatos.csv"
          data-testid="messages-csv"
        />
        {messages.hasNextPage && (
          <Button
            variant="light"
            onClick={() => void messages.fetchNextPage()}
            loading={messages.isFetchingNextPage}
            data-testid="messages-load-more"
          >
            Carregar mais
          </Button>
        )}
      </Group>
      {messages.isFetchNextPageError && <ProblemAlert error={messages.error} />}
    </Stack>
  );
}
