import { Box, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { NegotiationOffer } from '../api/types.ts';
import { formatCents, formatDate, plural } from '../lib/format.ts';
import { offerTitle } from '../lib/labels.ts';
import { newRequestKey } from '../lib/requestKey.ts';
import { isStatus, type PortalMe, portalApi, portalMessage } from './api.ts';
import { ACCENT, ErrorMessage, MUTED, Section, useFocusOnMount } from './ui.tsx';

/** What the debtor commits to, in one sentence. */
function commitment(offer: NegotiationOffer): string {
  if (offer.kind === 'cash')
    return `Você paga ${formatCents(offer.totalCents)} de uma vez, até ${formatDate(offer.installments[0]?.dueDate)}.`;
  const payments = offer.installments.length + 1;
  return `Você paga ${formatCents(offer.totalCents)} em ${plural(payments, 'pagamento', 'pagamentos')}: a entrada de ${formatCents(offer.downPaymentCents)} até ${formatDate(offer.downPaymentDueDate)} e as parcelas todo mês.`;
}

function Confirm({
  offer,
  onBack,
  onAccepted,
  onChanged,
  onSessionOver,
}: {
  offer: NegotiationOffer;
  onBack: () => void;
  onAccepted: (agreementId: number) => void;
  onChanged: (detail: string) => void;
  onSessionOver: (detail: string) => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  // Made once per confirmation: a double tap or a retry makes one agreement.
  const [requestKey] = useState(() => newRequestKey('portal'));
  const accept = useMutation({
    mutationFn: () =>
      portalApi.accept({ offerKey: offer.key, expectedTotalCents: offer.totalCents, requestKey }),
    onSuccess: (agreement) => onAccepted(agreement.id),
    onError: (error) => {
      if (isStatus(error, 409)) onChanged(portalMessage(error));
      else if (isStatus(error, 401)) onSessionOver(portalMessage(error));
    },
  });
  return (
    <Stack
      gap="sm"
      p="sm"
      bg="blue.0"
      style={{ borderRadius: 8, border: '1px solid var(--mantine-color-blue-3)' }}
      data-testid="offer-confirm"
    >
      <Title order={4} ref={headingRef} tabIndex={-1} style={{ outline: 'none' }}>
        Confirmar acordo
      </Title>
      <Text>{commitment(offer)}</Text>
      <Text size="sm">
        Depois de confirmar, mostramos o Pix de cada pagamento. Enquanto o acordo estiver em dia, os títulos
        renegociados saem da cobrança.
      </Text>
      <ErrorMessage
        message={accept.isError && !isStatus(accept.error, 409) ? portalMessage(accept.error) : null}
      />
      <Button size="lg" fullWidth color={ACCENT} loading={accept.isPending} onClick={() => accept.mutate()}>
        Confirmar acordo
      </Button>
      <Button size="md" variant="default" fullWidth onClick={onBack} disabled={accept.isPending}>
        Voltar
      </Button>
    </Stack>
  );
}

function OfferItem({
  offer,
  confirming,
  onChoose,
  children,
}: {
  offer: NegotiationOffer;
  confirming: boolean;
  onChoose: () => void;
  children: ReactNode;
}) {
  const cash = offer.kind === 'cash';
  return (
    <Box
      component="li"
      p="sm"
      style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
      data-testid="portal-offer"
      data-key={offer.key}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="baseline">
          <Title order={3} size="h4">
            {offerTitle(offer)}
          </Title>
          <Text fw={800} size="xl" style={{ whiteSpace: 'nowrap' }}>
            {formatCents(offer.totalCents)}
          </Text>
        </Group>
        {offer.discountCents > 0 && (
          <Text fw={600} c="green.9">
            Você economiza {formatCents(offer.discountCents)}
          </Text>
        )}
        {cash ? (
          <Text>Pagamento único até {formatDate(offer.installments[0]?.dueDate)}.</Text>
        ) : (
          <>
            <Text>
              Entrada de {formatCents(offer.downPaymentCents)} até {formatDate(offer.downPaymentDueDate)},
              depois:
            </Text>
            <Box component="ul" m={0} pl="lg">
              {offer.installments.map((installment) => (
                <li key={installment.number}>
                  <Text>
                    {formatCents(installment.amountCents)} em {formatDate(installment.dueDate)}
                  </Text>
                </li>
              ))}
            </Box>
            <Text size="sm" c={MUTED}>
              Juros de {offer.monthlyRatePercent.replace('.', ',')}% ao mês.
            </Text>
          </>
        )}
        {offer.explanation.length > 0 && (
          <Box component="ul" m={0} pl="lg" data-testid="portal-offer-explanation">
            {offer.explanation.map((line) => (
              <li key={line}>
                <Text size="sm" c={MUTED}>
                  {line}
                </Text>
              </li>
            ))}
          </Box>
        )}
        {confirming ? (
          children
        ) : (
          <Button size="lg" fullWidth color={ACCENT} onClick={onChoose}>
            Aceitar proposta
          </Button>
        )}
      </Stack>
    </Box>
  );
}

/**
 * "Propostas para você": the offers the creditor's policy allows, each explained, accepted after a
 * confirmation. A 409 means the offer changed since it was shown: the detail is said and the page
 * reloads the current offers.
 */
export function Offers({
  me,
  onAccepted,
  onReload,
  onSessionOver,
}: {
  me: PortalMe;
  onAccepted: (agreementId: number) => void;
  onReload: () => void;
  onSessionOver: (detail: string) => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  if (me.agreements.length > 0) return null;
  if (me.offers.length === 0 && !me.offersNote && !changed) return null;
  return (
    <Section title="Propostas para você" testId="portal-offers">
      <ErrorMessage message={changed} testId="portal-offer-changed" />
      {me.offers.length === 0 ? (
        me.offersNote && <Text c={MUTED}>{me.offersNote}</Text>
      ) : (
        <>
          <Text>Escolha a forma de pagar que cabe no seu bolso:</Text>
          <Box component="ul" p={0} m={0} style={{ listStyle: 'none', display: 'grid', gap: 12 }}>
            {me.offers.map((offer) => (
              <OfferItem
                key={offer.key}
                offer={offer}
                confirming={confirming === offer.key}
                onChoose={() => {
                  setChanged(null);
                  setConfirming(offer.key);
                }}
              >
                <Confirm
                  offer={offer}
                  onBack={() => setConfirming(null)}
                  onAccepted={(id) => {
                    setConfirming(null);
                    onAccepted(id);
                  }}
                  onChanged={(detail) => {
                    setConfirming(null);
                    setChanged(`${detail} Mostramos abaixo as propostas atualizadas.`);
                    onReload();
                  }}
                  onSessionOver={onSessionOver}
                />
              </OfferItem>
            ))}
          </Box>
        </>
      )}
    </Section>
  );
}
