import { Anchor, Box, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { OutboundMessage } from '../../api/types.ts';
import { evidenceText, whyText } from '../../lib/cadence.ts';

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
      {message.lastError && (
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
