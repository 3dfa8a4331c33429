import { Box, Button, Group, Stack, Text } from '@mantine/core';
import { useId, useState } from 'react';
import { formatCents, formatDate } from '../lib/format.ts';
import { chargeKindLabel } from '../lib/labels.ts';
import type { PortalDebt, PortalMe } from './api.ts';
import { ACCENT_TEXT, MUTED, PixPanel, Section } from './ui.tsx';

function Calculation({ debt, id }: { debt: PortalDebt; id: string }) {
  return (
    <Box id={id} component="ul" p={0} m={0} style={{ listStyle: 'none' }} data-testid="debt-calculation">
      {debt.components.map((component, index) => (
        <Box
          component="li"
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one calculation have no id and never move.
          key={index}
          py={8}
          style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}
          data-testid="debt-component"
          data-kind={component.kind}
        >
          <Group justify="space-between" wrap="nowrap" align="baseline">
            <Text fw={600}>{chargeKindLabel(component.kind)}</Text>
            <Text fw={600} c={component.cents < 0 ? 'green.9' : undefined} style={{ whiteSpace: 'nowrap' }}>
              {formatCents(component.cents)}
            </Text>
          </Group>
          <Text size="sm" c={MUTED}>
            {component.explanation}
          </Text>
        </Box>
      ))}
      <Box component="li" py={8} style={{ borderTop: '2px solid var(--mantine-color-gray-4)' }}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700}>Total atualizado</Text>
          <Text fw={700} style={{ whiteSpace: 'nowrap' }}>
            {formatCents(debt.totalCents)}
          </Text>
        </Group>
      </Box>
    </Box>
  );
}

function DebtItem({ debt }: { debt: PortalDebt }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <Box
      component="li"
      p="sm"
      style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
      data-testid="debt"
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="baseline">
          <Text fw={600}>Título {debt.externalId}</Text>
          <Text fw={700} size="lg" style={{ whiteSpace: 'nowrap' }} data-testid="debt-total">
            {formatCents(debt.totalCents)}
          </Text>
        </Group>
        <Text size="sm" c={MUTED}>
          Venceu em {formatDate(debt.dueDate)} · valor em aberto {formatCents(debt.openCents)}
        </Text>
        <Button
          variant="subtle"
          color={ACCENT_TEXT}
          size="md"
          px={0}
          style={{ alignSelf: 'flex-start' }}
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((current) => !current)}
        >
          {open ? 'Esconder cálculo' : 'Ver cálculo'}
        </Button>
        {open && <Calculation debt={debt} id={id} />}
      </Stack>
    </Box>
  );
}

/** "O que está em aberto": each debt with its updated amount and, on demand, how it was calculated. */
export function Debts({ me }: { me: PortalMe }) {
  if (me.debts.length === 0) return null;
  return (
    <Section title="O que está em aberto" testId="portal-debts">
      {me.error && (
        <Text c={MUTED} data-testid="portal-debts-error">
          {me.error}
        </Text>
      )}
      <Box component="ul" p={0} m={0} style={{ listStyle: 'none', display: 'grid', gap: 8 }}>
        {me.debts.map((debt) => (
          <DebtItem key={debt.receivableId} debt={debt} />
        ))}
      </Box>
      <Group justify="space-between" wrap="nowrap" align="baseline" data-testid="portal-total">
        <Text fw={700}>Total para pagar hoje</Text>
        <Text fw={800} size="xl" style={{ whiteSpace: 'nowrap' }}>
          {formatCents(me.totalCents)}
        </Text>
      </Group>
      {me.pix ? (
        <PixPanel copiaECola={me.pix.copiaECola} qrSvg={me.pix.qrSvg} amountCents={me.totalCents} />
      ) : (
        <Text c={MUTED}>
          O pagamento por Pix não está disponível agora. Veja as propostas abaixo ou peça ajuda.
        </Text>
      )}
    </Section>
  );
}
