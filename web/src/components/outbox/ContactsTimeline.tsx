import { Badge, Box, Button, Group, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { InboundReply, OutboundMessage } from '../../api/types.ts';
import { formatCents, formatDate, formatDateTime, formatPhone } from '../../lib/format.ts';
import { channelColor, channelLabel, replyKindLabel } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';
import { ChannelGlyph } from '../ChannelIcon.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { MessageStatusBadge } from '../StatusBadge.tsx';
import { CallResult, LetterLink, MessageBody, MessageWhy } from './MessageDetails.tsx';
import { stepLabel, useMessages } from './MessagesTable.tsx';

/** Channels whose address is a phone number (shown as "(11) 98765-4321"). */
const PHONE_CHANNELS: readonly string[] = ['phone', 'sms', 'whatsapp'];

type Entry =
  | { direction: 'out'; at: number; message: OutboundMessage }
  | { direction: 'in'; at: number; reply: InboundReply };

/** When an outgoing contact happened (or will): sent, else its next attempt. */
function outgoingTime(message: OutboundMessage): number {
  return Date.parse(message.sentAt ?? message.nextAttemptAt);
}

/** The entry's time as an ISO string (the order is visible to tests), or nothing when unknown. */
function isoOrNull(at: number): string | undefined {
  return Number.isFinite(at) ? new Date(at).toISOString() : undefined;
}

/** The replies' numbers are digits with the country code (5511987654321): shown like the debtor's phones. */
function replyAddress(digits: string): string {
  return /^\d+$/.test(digits) ? formatPhone(`+${digits}`) : digits;
}

/**
 * Every contact the régua planned for a debtor and what the debtor wrote back, newest first. The outbox
 * comes a page at a time: while older pages remain, replies older than the last loaded contact wait for
 * "Carregar mais", so the order stays right.
 */
export function ContactsTimeline({ debtorId }: { debtorId: number }) {
  const session = useSession();
  const messages = useMessages({ debtorId });
  const replies = useQuery({
    queryKey: keys.replies(debtorId),
    queryFn: () => endpoints.listReplies(debtorId),
  });
  const rows = messages.data?.pages.flatMap((p) => p.items) ?? [];
  const tz = session.organization.timeZone;

  if (messages.isPending || replies.isPending) return <PageLoader />;
  if (messages.isError && !messages.isFetchNextPageError) return <ProblemAlert error={messages.error} />;

  const outgoing: Entry[] = rows.map((message) => ({
    direction: 'out',
    at: outgoingTime(message),
    message,
  }));
  const oldestLoaded = messages.hasNextPage
    ? Math.min(...outgoing.map((e) => e.at).filter(Number.isFinite))
    : Number.NEGATIVE_INFINITY;
  const incoming: Entry[] = (replies.data?.items ?? [])
    .map((reply): Entry => ({ direction: 'in', at: Date.parse(reply.sentAt), reply }))
    .filter((entry) => !(entry.at < oldestLoaded));
  const entries = [...outgoing, ...incoming].sort((a, b) => (b.at || 0) - (a.at || 0));

  const repliesError = replies.isError && (
    <ProblemAlert error={replies.error} title="Não foi possível carregar as respostas do devedor" />
  );

  if (entries.length === 0)
    return (
      <Stack gap="md">
        {repliesError}
        <Text c="dimmed" data-testid="contacts-empty">
          Nenhum contato feito ou planejado para este devedor.
        </Text>
      </Stack>
    );

  return (
    <Stack gap="md">
      {repliesError}
      <Timeline bulletSize={30} lineWidth={2} data-testid="contacts-timeline">
        {entries.map((entry) =>
          entry.direction === 'in' ? (
            <ReplyItem key={`in-${entry.reply.id}`} reply={entry.reply} timeZone={tz} at={entry.at} />
          ) : (
            <Timeline.Item
              key={`out-${entry.message.id}`}
              data-testid="contact-item"
              data-direction="out"
              data-at={isoOrNull(entry.at)}
              bullet={
                <ThemeIcon size={30} radius="xl" variant="light" color={channelColor(entry.message.channel)}>
                  <ChannelGlyph channel={entry.message.channel} size={16} />
                </ThemeIcon>
              }
              title={
                <Group gap="xs">
                  <Text fw={600} size="sm">
                    {channelLabel(entry.message.channel)} · {stepLabel(entry.message)}
                  </Text>
                  <MessageStatusBadge status={entry.message.status} />
                  {entry.message.costCents !== null && entry.message.costCents > 0 && (
                    <Text size="xs" c="dimmed">
                      custo {formatCents(entry.message.costCents)}
                    </Text>
                  )}
                </Group>
              }
            >
              <OutgoingDetails message={entry.message} timeZone={tz} />
            </Timeline.Item>
          ),
        )}
      </Timeline>
      {messages.hasNextPage && (
        <Group>
          <Button
            variant="light"
            onClick={() => void messages.fetchNextPage()}
            loading={messages.isFetchingNextPage}
          >
            Carregar mais
          </Button>
        </Group>
      )}
      {messages.isFetchNextPageError && <ProblemAlert error={messages.error} />}
    </Stack>
  );
}

function OutgoingDetails({ message: m, timeZone }: { message: OutboundMessage; timeZone: string }) {
  return (
    <>
      <Text size="xs" c="dimmed" mb={4}>
        {m.sentAt
          ? m.task
            ? `Na lista de ligações desde ${formatDateTime(m.sentAt, timeZone)}`
            : `Enviada em ${formatDateTime(m.sentAt, timeZone)}`
          : `Planejada para ${formatDate(m.planDate)}`}
        {m.toAddress
          ? ` · para ${PHONE_CHANNELS.includes(m.channel) ? formatPhone(m.toAddress) : m.toAddress}`
          : ''}
      </Text>
      <Stack gap={4}>
        <MessageWhy message={m} />
        <CallResult message={m} />
        <MessageBody subject={m.subject} body={m.body} />
        <LetterLink message={m} />
      </Stack>
    </>
  );
}

/** A message the debtor sent us: filled bullet, "Recebida", and the text as a chat bubble. */
function ReplyItem({ reply, timeZone, at }: { reply: InboundReply; timeZone: string; at: number }) {
  const kind = replyKindLabel(reply.kind);
  return (
    <Timeline.Item
      data-testid="contact-item"
      data-direction="in"
      data-at={isoOrNull(at)}
      bullet={
        <ThemeIcon size={30} radius="xl" variant="filled" color={channelColor(reply.channel)}>
          <ChannelGlyph channel={reply.channel} size={16} />
        </ThemeIcon>
      }
      title={
        <Group gap="xs">
          <Text fw={600} size="sm">
            {channelLabel(reply.channel)} · Resposta do devedor
          </Text>
          <Badge size="sm" variant="filled" color="indigo" data-testid="reply-direction">
            Recebida
          </Badge>
          {kind && (
            <Badge size="sm" variant="light" color="gray">
              {kind}
            </Badge>
          )}
        </Group>
      }
    >
      <Text size="xs" c="dimmed" mb={4}>
        {`Recebida em ${formatDateTime(reply.sentAt, timeZone)} · de ${replyAddress(reply.fromAddress)}`}
      </Text>
      {reply.body ? (
        <Box
          p="xs"
          bg="indigo.0"
          maw={560}
          style={{
            whiteSpace: 'pre-wrap',
            overflowWrap: 'anywhere',
            borderRadius: 8,
            fontSize: 13,
            border: '1px solid var(--mantine-color-indigo-2)',
          }}
          data-testid="reply-body"
        >
          {reply.body}
        </Box>
      ) : (
        <Text size="xs" c="dimmed">
          Mensagem sem texto.
        </Text>
      )}
    </Timeline.Item>
  );
}
