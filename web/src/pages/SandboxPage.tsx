import {
  Alert,
  Anchor,
  Box,
  Button,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { endpoints, keys, LIST_PAGE_SIZE } from '../api/endpoints.ts';
import type { InboxMessage } from '../api/types.ts';
import { ChannelIcon } from '../components/ChannelIcon.tsx';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatDateTime } from '../lib/format.ts';
import { channelLabel, STEP_CHANNELS } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';
import { useSession } from '../session.tsx';

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

function InboxRow({
  message,
  selected,
  onSelect,
  timeZone,
}: {
  message: InboxMessage;
  selected: boolean;
  onSelect: () => void;
  timeZone: string;
}) {
  return (
    <UnstyledButton
      onClick={onSelect}
      p="sm"
      data-testid="inbox-row"
      aria-current={selected ? 'true' : undefined}
      style={{
        display: 'block',
        width: '100%',
        borderBottom: '1px solid var(--mantine-color-gray-2)',
        background: selected ? 'var(--mantine-color-blue-0)' : undefined,
      }}
    >
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <ChannelIcon channel={message.channel} />
        <Box style={{ minWidth: 0, flex: 1 }}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="sm" fw={600} truncate>
              {message.debtorName}
            </Text>
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {formatDateTime(message.receivedAt, timeZone)}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" truncate>
            {channelLabel(message.channel)} · para {message.toAddress ?? '—'}
          </Text>
          <Text size="sm" truncate>
            {message.subject ?? firstLine(message.body)}
          </Text>
        </Box>
      </Group>
    </UnstyledButton>
  );
}

function Reader({ message, timeZone }: { message: InboxMessage; timeZone: string }) {
  return (
    <Paper withBorder p="md" data-testid="inbox-reader">
      <Stack gap="xs">
        <Group gap="sm" wrap="nowrap">
          <ChannelIcon channel={message.channel} size={36} />
          <div>
            <Text fw={600} data-testid="inbox-reader-subject">
              {message.subject ?? `${channelLabel(message.channel)} para ${message.debtorName}`}
            </Text>
            <Text size="xs" c="dimmed">
              {channelLabel(message.channel)} · para {message.toAddress ?? '—'} · recebida em{' '}
              {formatDateTime(message.receivedAt, timeZone)}
              {message.deliveries > 1 ? ` · entregue ${message.deliveries} vezes (mesma mensagem)` : ''}
            </Text>
            <Anchor component={Link} to={`/debtors/${message.debtorId}`} size="xs">
              {message.debtorName}
            </Anchor>
          </div>
        </Group>
        <Box
          p="md"
          bg="gray.0"
          style={{
            whiteSpace: 'pre-wrap',
            fontSize: 14,
            lineHeight: 1.5,
            borderRadius: 4,
            border: '1px solid var(--mantine-color-gray-3)',
          }}
          data-testid="inbox-reader-body"
        >
          {message.body}
        </Box>
      </Stack>
    </Paper>
  );
}

export function SandboxPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const channelParam = params.get('canal');
  const channel =
    channelParam && (STEP_CHANNELS as readonly string[]).includes(channelParam) ? channelParam : null;
  const selectedId = parseId(params.get('msg'));
  const tz = session.organization.timeZone;

  const inbox = useInfiniteQuery({
    queryKey: keys.inbox(channel),
    queryFn: ({ pageParam, signal }) => endpoints.listInbox(channel, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) =>
      last.items.length < LIST_PAGE_SIZE ? undefined : (last.items[last.items.length - 1]?.id ?? undefined),
    placeholderData: keepPreviousData,
  });
  const rows = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  const selected = rows.find((m) => m.id === selectedId) ?? null;
  const set = (name: string, value: string | null) =>
    editSearchParams(setParams, (next) => {
      if (value === null) next.delete(name);
      else next.set(name, value);
    });

  return (
    <Stack>
      <title>Caixa de saída · Régua</title>
      <div>
        <Title order={2}>Caixa de saída (sandbox)</Title>
        <Text c="dimmed" size="sm">
          O que a régua enviou, como o devedor receberia.
        </Text>
      </div>
      <Alert color="yellow" variant="light" title="Modo sandbox" data-testid="sandbox-notice">
        Nenhuma mensagem é enviada de verdade: e-mails, SMS, WhatsApp, cartas, negativações e protestos ficam
        registrados aqui até que provedores reais sejam configurados.
      </Alert>
      <Group justify="space-between" align="flex-start">
        <SegmentedControl
          data={[
            { value: 'all', label: 'Todos' },
            ...STEP_CHANNELS.map((c) => ({ value: c, label: channelLabel(c) })),
          ]}
          value={channel ?? 'all'}
          onChange={(value) =>
            editSearchParams(setParams, (next) => {
              if (value === 'all') next.delete('canal');
              else next.set('canal', value);
              next.delete('msg');
            })
          }
          data-testid="sandbox-channel"
          style={{ alignSelf: 'flex-start' }}
        />
        {rows.length > 0 && (
          <CsvExportButton
            path="/api/v1/sandbox/inbox/export.csv"
            query={{ channel }}
            filename="caixa-de-saida.csv"
            data-testid="sandbox-csv"
          />
        )}
      </Group>
      {inbox.isPending && <PageLoader />}
      {inbox.isError && !inbox.isFetchNextPageError && <ProblemAlert error={inbox.error} />}
      {inbox.isSuccess && rows.length === 0 && (
        <Text c="dimmed" data-testid="sandbox-empty">
          Nenhuma mensagem{channel ? ` de ${channelLabel(channel)}` : ''} na caixa de saída ainda. As
          mensagens aparecem aqui quando o despachante envia os contatos planejados.
        </Text>
      )}
      {rows.length > 0 && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder style={{ overflow: 'hidden', opacity: inbox.isPlaceholderData ? 0.6 : 1 }}>
              <Box mah="calc(100vh - 330px)" style={{ overflowY: 'auto' }} data-testid="inbox-list">
                {rows.map((m) => (
                  <InboxRow
                    key={m.id}
                    message={m}
                    selected={m.id === selected?.id}
                    onSelect={() => set('msg', String(m.id))}
                    timeZone={tz}
                  />
                ))}
                {inbox.hasNextPage && (
                  <Group justify="center" p="sm">
                    <Button
                      variant="light"
                      size="xs"
                      onClick={() => void inbox.fetchNextPage()}
                      loading={inbox.isFetchingNextPage}
                      data-testid="inbox-load-more"
                    >
                      Carregar mais
                    </Button>
                  </Group>
                )}
              </Box>
            </Paper>
            {inbox.isFetchNextPageError && <ProblemAlert error={inbox.error} />}
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7 }}>
            {selected ? (
              <Reader message={selected} timeZone={tz} />
            ) : (
              <Paper withBorder p="xl">
                <Text c="dimmed" ta="center">
                  Escolha uma mensagem para ler.
                </Text>
              </Paper>
            )}
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
