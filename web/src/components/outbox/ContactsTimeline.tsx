import { Button, Group, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { formatCents, formatDate, formatDateTime, formatPhone } from '../../lib/format.ts';
import { channelColor, channelLabel } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';
import { ChannelGlyph } from '../ChannelIcon.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { MessageStatusBadge } from '../StatusBadge.tsx';
import { CallResult, LetterLink, MessageBody, MessageWhy } from './MessageDetails.tsx';
import { stepLabel, useMessages } from './MessagesTable.tsx';

/** Channels whose address is a phone number (shown as "(11) 98765-4321"). */
const PHONE_CHANNELS: readonly string[] = ['phone', 'sms', 'whatsapp'];

/** Every contact the régua planned for a debtor, newest first. */
export function ContactsTimeline({ debtorId }: { debtorId: number }) {
  const session = useSession();
  const messages = useMessages({ debtorId });
  const rows = messages.data?.pages.flatMap((p) => p.items) ?? [];
  const tz = session.organization.timeZone;

  if (messages.isPending) return <PageLoader />;
  if (messages.isError && !messages.isFetchNextPageError) return <ProblemAlert error={messages.error} />;
  if (rows.length === 0)
    return (
      <Text c="dimmed" data-testid="contacts-empty">
        Nenhum contato feito ou planejado para este devedor.
      </Text>
    );

  return (
    <Stack gap="md">
      <Timeline bulletSize={30} lineWidth={2} data-testid="contacts-timeline">
        {rows.map((m) => (
          <Timeline.Item
            key={m.id}
            data-testid="contact-item"
            bullet={
              <ThemeIcon size={30} radius="xl" variant="light" color={channelColor(m.channel)}>
                <ChannelGlyph channel={m.channel} size={16} />
              </ThemeIcon>
            }
            title={
              <Group gap="xs">
                <Text fw={600} size="sm">
                  {channelLabel(m.channel)} · {stepLabel(m)}
                </Text>
                <MessageStatusBadge status={m.status} />
                {m.costCents !== null && m.costCents > 0 && (
                  <Text size="xs" c="dimmed">
                    custo {formatCents(m.costCents)}
                  </Text>
                )}
              </Group>
            }
          >
            <Text size="xs" c="dimmed" mb={4}>
              {m.sentAt
                ? m.task
                  ? `Na lista de ligações desde ${formatDateTime(m.sentAt, tz)}`
                  : `Enviada em ${formatDateTime(m.sentAt, tz)}`
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
          </Timeline.Item>
        ))}
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
