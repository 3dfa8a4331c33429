import { Alert, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import type { AcceptOfferInput, Agreement, NegotiationOffer } from '../api/types.ts';
import { formatCents, formatDate, plural, todayInZone } from '../lib/format.ts';
import { offerTitle } from '../lib/labels.ts';
import { newRequestKey } from '../lib/requestKey.ts';
import { canWriteAgreements, useSession } from '../session.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

function OfferPanel({ offer, onAccept }: { offer: NegotiationOffer; onAccept: (() => void) | null }) {
  const cash = offer.kind === 'cash';
  return (
    <Paper withBorder p="sm" data-testid="offer" data-key={offer.key}>
      <Stack gap="xs">
        <Group justify="space-between" align="baseline" wrap="nowrap">
          <Text fw={600} data-testid="offer-title">
            {offerTitle(offer)}
          </Text>
          <Text fw={700} data-testid="offer-total">
            {formatCents(offer.totalCents)}
          </Text>
        </Group>
        {offer.discountCents > 0 && (
          <Badge color="green" variant="light" data-testid="offer-discount">
            Desconto de {formatCents(offer.discountCents)}
          </Badge>
        )}
        {cash ? (
          <Text size="sm" data-testid="offer-due">
            Pagamento único até {formatDate(offer.installments[0]?.dueDate)}
          </Text>
        ) : (
          <>
            <Text size="sm" data-testid="offer-down-payment">
              Entrada de {formatCents(offer.downPaymentCents)} até {formatDate(offer.downPaymentDueDate)}
            </Text>
            <Table verticalSpacing={2} fz="sm" data-testid="offer-installments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Parcela</Table.Th>
                  <Table.Th>Vencimento</Table.Th>
                  <Table.Th ta="right">Valor</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {offer.installments.map((installment) => (
                  <Table.Tr key={installment.number} data-testid="offer-installment">
                    <Table.Td>{installment.number}</Table.Td>
                    <Table.Td>{formatDate(installment.dueDate)}</Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatCents(installment.amountCents)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="sm" c="dimmed" data-testid="offer-rate">
              Juros de {offer.monthlyRatePercent.replace('.', ',')}% ao mês
            </Text>
          </>
        )}
        <Stack gap={2} data-testid="offer-explanation">
          {offer.explanation.map((line) => (
            <Text size="xs" c="dimmed" key={line}>
              {line}
            </Text>
          ))}
        </Stack>
        {onAccept && (
          <Button variant="light" onClick={onAccept} data-testid="offer-accept">
            Aceitar proposta
          </Button>
        )}
      </Stack>
    </Paper>
  );
}

/** The offer about to be accepted, with the request key made when the confirmation opened. */
interface Pending {
  offer: NegotiationOffer;
  requestKey: string;
}

/** "Confirmar acordo": what the debtor will pay, and what happens to the receivables. */
function AcceptModal({
  debtorId,
  pending,
  onClose,
  onAccepted,
  onChanged,
}: {
  debtorId: number;
  pending: Pending | null;
  onClose: () => void;
  onAccepted: (agreement: Agreement) => void;
  onChanged: (detail: string) => void;
}) {
  const queryClient = useQueryClient();
  const accept = useMutation({
    mutationFn: (input: AcceptOfferInput) => endpoints.acceptOffer(debtorId, input),
    onSuccess: async (agreement) => {
      onAccepted(agreement);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.agreements(debtorId) }),
        queryClient.invalidateQueries({ queryKey: keys.chargesAll(debtorId) }),
        queryClient.invalidateQueries({ queryKey: keys.offersAll }),
        queryClient.invalidateQueries({ queryKey: keys.debtor(debtorId) }),
        queryClient.invalidateQueries({ queryKey: ['receivables'] }),
        queryClient.invalidateQueries({ queryKey: keys.holds(debtorId) }),
      ]);
    },
    onError: async (error) => {
      if (error instanceof ApiError && error.status === 409) {
        // The offer changed since it was shown: say why and show the current ones.
        onChanged(error.problem.detail ?? 'A proposta mudou.');
        await queryClient.invalidateQueries({ queryKey: keys.offersAll });
      }
    },
  });
  const offer = pending?.offer;
  const close = () => {
    if (accept.isPending) return;
    accept.reset();
    onClose();
  };
  return (
    <Modal opened={pending !== null} onClose={close} title="Confirmar acordo" centered>
      {offer && pending && (
        <Stack gap="sm" data-testid="accept-confirm">
          <Text size="sm">
            {offerTitle(offer)}: total de <strong>{formatCents(offer.totalCents)}</strong>
            {offer.discountCents > 0 && <> (desconto de {formatCents(offer.discountCents)})</>}.
          </Text>
          <Text size="sm">
            Cada pagamento vira um título com Pix (e boleto, se a carteira emite). Os títulos de hoje ficam
            “Em acordo” e saem da régua enquanto o acordo valer; se um pagamento atrasar além da tolerância, o
            acordo é quebrado e eles voltam, descontado o que foi pago.
          </Text>
          {accept.isError && !(accept.error instanceof ApiError && accept.error.status === 409) && (
            <ProblemAlert error={accept.error} title="Não foi possível fechar o acordo" />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={accept.isPending}>
              Voltar
            </Button>
            <Button
              loading={accept.isPending}
              onClick={() =>
                accept.mutate({
                  offerKey: offer.key,
                  expectedTotalCents: offer.totalCents,
                  requestKey: pending.requestKey,
                })
              }
              data-testid="accept-confirm-button"
            >
              Confirmar acordo
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/**
 * "Propostas de negociação": what the creditor's policy allows for what the debtor owes as of `asOf`
 * (the date of the "Valor atualizado" card): pay now with a discount or in installments, explained.
 */
export function OffersCard({ debtorId, asOf }: { debtorId: number; asOf: string }) {
  const session = useSession();
  const offers = useQuery({
    queryKey: keys.offers(debtorId, asOf),
    queryFn: () => endpoints.getDebtorOffers(debtorId, asOf),
    placeholderData: keepPreviousData,
  });
  const agreements = useQuery({
    queryKey: keys.agreements(debtorId),
    queryFn: () => endpoints.listAgreements(debtorId),
  });
  const [pending, setPending] = useState<Pending | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<Agreement | null>(null);
  const data = offers.data;
  const canAccept = canWriteAgreements(session);
  const today = todayInZone(session.organization.timeZone);
  const active = agreements.data?.items.find((a) => a.status === 'active');
  // An offer is accepted as of today (the server recomputes it): other days are for looking only.
  const acceptable = canAccept && asOf === today && agreements.isSuccess && !active;
  const open = (offer: NegotiationOffer) => {
    setChanged(null);
    setAccepted(null);
    setPending({ offer, requestKey: newRequestKey('acordo') });
  };

  return (
    <Paper withBorder p="md" data-testid="offers-card">
      <Group gap="xs" align="baseline" mb="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Propostas de negociação
        </Text>
        {data && (
          <Text size="sm" c="dimmed">
            em {formatDate(data.asOf)}
          </Text>
        )}
        {offers.isPlaceholderData && <Badge variant="light">atualizando…</Badge>}
      </Group>
      {offers.isPending && <PageLoader />}
      {offers.isError && <ProblemAlert error={offers.error} title="Não foi possível montar as propostas" />}
      {data?.error && (
        <Alert color="blue" variant="light" title="Sem propostas" data-testid="offers-error">
          {data.error}
        </Alert>
      )}
      {data && !data.error && (
        <SimpleGrid
          cols={{ base: 1, md: 2, xl: 4 }}
          spacing="sm"
          style={{ opacity: offers.isPlaceholderData ? 0.6 : 1 }}
        >
          {data.offers.map((offer) => (
            <OfferPanel
              key={offer.key}
              offer={offer}
              onAccept={acceptable && !offers.isPlaceholderData ? () => open(offer) : null}
            />
          ))}
        </SimpleGrid>
      )}
      {changed && (
        <Alert color="orange" variant="light" title="A proposta mudou" mt="sm" data-testid="offers-changed">
          {changed} As propostas foram recalculadas: confira antes de aceitar de novo.
        </Alert>
      )}
      {accepted && (
        <Alert color="green" variant="light" mt="sm" data-testid="offer-accepted">
          Acordo nº {accepted.id} fechado: {formatCents(accepted.totalCents)} em{' '}
          {plural(accepted.installments.length, 'pagamento', 'pagamentos')}. Veja em “Acordos”.
        </Alert>
      )}
      <Text size="xs" c="dimmed" mt="sm" data-testid="offers-note">
        {!canAccept
          ? 'Apenas cobradores, gestores e administradores fecham acordos.'
          : active
            ? `O acordo nº ${active.id} está ativo: para negociar de novo, ele precisa terminar ou ser cancelado.`
            : asOf !== today
              ? 'Propostas de outro dia são só para consulta: para aceitar, calcule para hoje.'
              : 'Ao aceitar uma proposta, o acordo é criado com um Pix para cada pagamento e os títulos ficam “Em acordo”.'}
      </Text>
      <AcceptModal
        // One confirmation, one request (and no error left over from the previous one).
        key={pending?.requestKey ?? 'closed'}
        debtorId={debtorId}
        pending={pending}
        onClose={() => setPending(null)}
        onAccepted={(agreement) => {
          setPending(null);
          setAccepted(agreement);
        }}
        onChanged={(detail) => {
          setPending(null);
          setChanged(detail);
        }}
      />
    </Paper>
  );
}
