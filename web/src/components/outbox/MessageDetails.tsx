import { Anchor, Badge, Box, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { downloads } from '../../api/endpoints.ts';
import type { OutboundMessage } from '../../api/types.ts';
import { evidenceText, whyText } from '../../lib/cadence.ts';
import { formatCents, formatDate, formatDateTime } from '../../lib/format.ts';
import { actorLabel, taskOutcomeColor, taskOutcomeLabel } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';

const LETTER_SENT = ['sent', 'delivered', 'read'];

/** The server files a call's outcome as the message's "last error" ("call: not_reached"): not an error. */
function isCallOutcome(message: Pick<OutboundMessage, 'task' | 'lastError'>): boolean {
  return message.task?.status === 'done' && (message.lastError ?? '').startsWith('call: ');
}

/** A phone step's call: still in the worklist, or how it went. */
export function CallResult({ message }: { message: Pick<OutboundMessage, 'task'> }) {
  const session = useSession();
  const task = message.task;
  if (!task) return null;
  if (task.status !== 'done')
    return (
      <Text size="xs" c="dimmed" data-testid="call-pending">
        {task.status === 'cancelled' ? 'Ligação cancelada.' : 'Na lista de ligações, aguardando um cobrador.'}
      </Text>
    );
  return (
    <Stack gap={2} data-testid="call-result" data-outcome={task.outcome ?? ''}>
      <Group gap="xs">
        <Text size="sm" fw={500}>
          Resultado da ligação:
        </Text>
        <Badge variant="light" color={taskOutcomeColor(task.outcome)} tt="none">
          {taskOutcomeLabel(task.outcome)}
        </Badge>
        {task.outcome === 'promise' && (
          <Text size="sm">
            {formatCents(task.promiseCents)} até {formatDate(task.promiseDate)}
          </Text>
        )}
      </Group>
      {task.note && (
        <Text size="sm" fs="italic">
          “{task.note}”
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Registrado por {task.doneBy ? actorLabel(task.doneBy, session.user) : '—'} em{' '}
        {formatDateTime(task.doneAt, session.organization.timeZone)}
      </Text>
    </Stack>
  );
}

/** A sent letter as it was printed (the evidence of a notice). */
export function LetterLink({ message }: { message: Pick<OutboundMessage, 'id' | 'channel' | 'status'> }) {
  if (message.channel !== 'letter' || !LETTER_SENT.includes(message.status)) return null;
  return (
    <Anchor
      href={downloads.letterPdf(message.id)}
      target="_blank"
      rel="noopener"
      size="xs"
      data-testid="letter-pdf"
    >
      Ver carta (PDF)
    </Anchor>
  );
}

/** Why the contact was planned, and for negativação / protesto what allowed it. */
export function MessageWhy({ message }: { message: OutboundMessage }) {
  return (
    <Stack gap={2}>
      <Text size="sm" data-testid="message-why">
        {whyText(message)}
      </Text>
      {message.evidence?.items.map((item) => (
        <Text key={item.receivableId} size="xs" c="dimmed" data-testid="message-evidence">
          {evidenceText(item, message.planDate)}
        </Text>
      ))}
      {message.lastError && !isCallOutcome(message) && (
        <Text size="xs" c="red.7">
          Último erro: {message.lastError}
        </Text>
      )}
    </Stack>
  );
}

/** The message text as sent (line breaks kept), behind a "Ver mensagem" toggle. */
export function MessageBody({ subject, body }: { subject: string | null; body: string | null }) {
  const [open, setOpen] = useState(false);
  if (!body && !subject)
    return (
      <Text size="xs" c="dimmed">
        Texto montado no envio.
      </Text>
    );
  return (
    <Stack gap={4} align="flex-start">
      <Anchor component="button" size="xs" onClick={() => setOpen(!open)} data-testid="toggle-body">
        {open ? 'Ocultar mensagem' : 'Ver mensagem'}
      </Anchor>
      {open && (
        <Box
          p="xs"
          bg="gray.0"
          style={{
            whiteSpace: 'pre-wrap',
            borderRadius: 4,
            fontSize: 13,
            border: '1px solid var(--mantine-color-gray-3)',
          }}
          data-testid="message-body"
        >
          {subject && (
            <Text size="sm" fw={600} mb={4}>
              {subject}
            </Text>
          )}
          {body}
        </Box>
      )}
    </Stack>
  );
}
