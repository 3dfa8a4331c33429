import { Anchor, Box, Button, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { formatCents, formatDate } from '../lib/format.ts';
import { type PortalAgreement, type PortalInstallment, type PortalMe, portalApi } from './api.ts';
import {
  ACCENT,
  ACCENT_TEXT,
  CopyField,
  LiveMessage,
  MUTED,
  PixPanel,
  Section,
  useFocusOnMount,
} from './ui.tsx';

const OPEN = new Set(['open', 'partially_paid']);

function statusText(installment: PortalInstallment): { text: string; color: string } {
  switch (installment.status) {
    case 'paid':
      return { text: 'Pago', color: 'green.9' };
    case 'partially_paid':
      return { text: `Pago em parte: faltam ${formatCents(installment.openCents)}`, color: 'orange.9' };
    case 'cancelled':
      return { text: 'Cancelado', color: 'gray.7' };
    default:
      return { text: 'Em aberto', color: 'blue.9' };
  }
}

function HowToPay({ agreementId, installment }: { agreementId: number; installment: PortalInstallment }) {
  return (
    <Stack gap="sm">
      {installment.pixCopiaECola && (
        <PixPanel
          copiaECola={installment.pixCopiaECola}
          qrSvg={installment.qrSvg}
          amountCents={installment.openCents}
        />
      )}
      {installment.nossoNumero && (
        <Stack gap="xs" data-testid="boleto">
          <Text fw={600}>Prefere boleto?</Text>
          <Anchor
            href={portalApi.boletoUrl(agreementId, installment.number)}
            target="_blank"
            rel="noopener"
            c={ACCENT}
            fw={600}
            py={8}
            style={{ textDecoration: 'underline' }}
          >
            Baixar boleto (PDF)
          </Anchor>
          {installment.boletoLine && (
            <CopyField
              label="Linha digitável do boleto"
              value={installment.boletoLine}
              buttonLabel="Copiar linha digitável"
            />
          )}
        </Stack>
      )}
    </Stack>
  );
}

function InstallmentItem({
  agreementId,
  installment,
  count,
  expanded,
}: {
  agreementId: number;
  installment: PortalInstallment;
  count: number;
  expanded: boolean;
}) {
  const [open, setOpen] = useState(expanded);
  const id = useId();
  const status = statusText(installment);
  const payable = OPEN.has(installment.status) && (installment.pixCopiaECola || installment.nossoNumero);
  return (
    <Box
      component="li"
      p="sm"
      style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
      data-testid="portal-installment"
      data-status={installment.status}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="baseline">
          <Title order={4} size="h5">
            {count === 1 ? 'Pagamento único' : `Pagamento ${installment.number} de ${count}`}
          </Title>
          <Text fw={700} style={{ whiteSpace: 'nowrap' }}>
            {formatCents(installment.amountCents)}
          </Text>
        </Group>
        <Group justify="space-between" wrap="wrap" gap={4}>
          <Text size="sm">Vence em {formatDate(installment.dueDate)}</Text>
          <Text size="sm" fw={600} c={status.color}>
            {status.text}
          </Text>
        </Group>
        {payable && !expanded && (
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
            {open ? 'Esconder Pix e boleto' : 'Mostrar Pix e boleto'}
          </Button>
        )}
        {payable && open && (
          <div id={id}>
            <HowToPay agreementId={agreementId} installment={installment} />
          </div>
        )}
      </Stack>
    </Box>
  );
}

function AgreementItem({ agreement, justMade }: { agreement: PortalAgreement; justMade: boolean }) {
  const next = agreement.installments.find((i) => OPEN.has(i.status));
  const paidShare =
    agreement.totalCents > 0 ? Math.round((agreement.paidCents / agreement.totalCents) * 100) : 0;
  return (
    <Stack gap="sm" data-testid="portal-agreement" data-id={agreement.id}>
      <LiveMessage
        message={
          justMade
            ? `Acordo fechado! ${next ? `Pague o ${agreement.installments.length === 1 ? 'valor' : 'primeiro pagamento'} até ${formatDate(next.dueDate)} com o Pix abaixo.` : ''}`
            : null
        }
        testId="portal-agreement-made"
      />
      <Group justify="space-between" wrap="nowrap" align="baseline">
        <Text fw={600}>Total do acordo</Text>
        <Text fw={800} size="xl" style={{ whiteSpace: 'nowrap' }}>
          {formatCents(agreement.totalCents)}
        </Text>
      </Group>
      <Text>
        Pago até agora: <strong>{formatCents(agreement.paidCents)}</strong>
      </Text>
      <Progress
        value={paidShare}
        color="green.8"
        size="lg"
        aria-label={`Você já pagou ${paidShare}% do acordo`}
      />
      {agreement.explanation.length > 0 && (
        <Box component="ul" m={0} pl="lg">
          {agreement.explanation.map((line) => (
            <li key={line}>
              <Text size="sm" c={MUTED}>
                {line}
              </Text>
            </li>
          ))}
        </Box>
      )}
      <Box component="ul" p={0} m={0} style={{ listStyle: 'none', display: 'grid', gap: 8 }}>
        {agreement.installments.map((installment) => (
          <InstallmentItem
            key={installment.number}
            agreementId={agreement.id}
            installment={installment}
            count={agreement.installments.length}
            expanded={installment.number === next?.number}
          />
        ))}
      </Box>
    </Stack>
  );
}

/** "Seu acordo": the active agreements, the next payment's Pix open, the others on demand. */
export function Agreements({ me, justMadeId }: { me: PortalMe; justMadeId: number | null }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>(
    justMadeId !== null && me.agreements.some((a) => a.id === justMadeId),
  );
  if (me.agreements.length === 0) return null;
  return (
    <Section
      title={me.agreements.length === 1 ? 'Seu acordo' : 'Seus acordos'}
      headingRef={headingRef}
      testId="portal-agreements"
    >
      {me.agreements.map((agreement) => (
        <AgreementItem key={agreement.id} agreement={agreement} justMade={agreement.id === justMadeId} />
      ))}
    </Section>
  );
}
