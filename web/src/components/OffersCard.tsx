import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { endpoints, keys } from '../api/endpoints.ts';
import type { NegotiationOffer } from '../api/types.ts';
import { formatCents, formatDate, plural } from '../lib/format.ts';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** "À vista" or "Entrada + N−1 parcelas": `installments` are the payments after the entrada. */
function offerTitle(offer: NegotiationOffer): string {
  if (offer.kind === 'cash') return 'À vista';
  return `Entrada + ${plural(offer.installments.length, 'parcela', 'parcelas')}`;
}

function OfferPanel({ offer }: { offer: NegotiationOffer }) {
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
      </Stack>
    </Paper>
  );
}

/**
 * "Propostas de negociação": what the creditor's policy allows for what the debtor owes as of `asOf`
 * (the date of the "Valor atualizado" card): pay now with a discount or in installments, explained.
 */
export function OffersCard({ debtorId, asOf }: { debtorId: number; asOf: string }) {
  const offers = useQuery({
    queryKey: keys.offers(debtorId, asOf),
    queryFn: () => endpoints.getDebtorOffers(debtorId, asOf),
    placeholderData: keepPreviousData,
  });
  const data = offers.data;

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
            <OfferPanel key={offer.key} offer={offer} />
          ))}
        </SimpleGrid>
      )}
      <Text size="xs" c="dimmed" mt="sm" data-testid="offers-note">
        Para fechar um acordo, registre a promessa ou fale com o gestor.
      </Text>
    </Paper>
  );
}
