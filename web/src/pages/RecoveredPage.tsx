import { Anchor, Badge, Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { RecoveredCustomer } from '../api/types.ts';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatCents, formatDate, plural } from '../lib/format.ts';
import { recoveryReasonLabel } from '../lib/labels.ts';

function RecoveredRow({ customer }: { customer: RecoveredCustomer }) {
  return (
    <Table.Tr data-testid="recovered-row" data-debtor-id={customer.debtorId}>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Anchor component={Link} to={`/debtors/${customer.debtorId}`} data-testid="recovered-debtor">
            {customer.debtorName}
          </Anchor>
          {customer.owesAgain && (
            <Tooltip label="Um título novo está em aberto desde a recuperação: vale um contato cuidadoso.">
              <Badge color="orange" variant="light" data-testid="recovered-owes-again">
                Deve de novo
              </Badge>
            </Tooltip>
          )}
        </Group>
      </Table.Td>
      <Table.Td>{customer.creditorName}</Table.Td>
      <Table.Td>
        <Badge
          variant="light"
          color={customer.reason === 'agreement_completed' ? 'grape' : 'green'}
          data-testid="recovered-reason"
        >
          {recoveryReasonLabel(customer.reason)}
        </Badge>
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }} data-testid="recovered-amount">
        {formatCents(customer.recoveredCents)}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(customer.recoveredOn)}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(customer.followUntil)}</Table.Td>
    </Table.Tr>
  );
}

/**
 * "Recuperados": customers who paid everything or completed an agreement in the last 90 days, to
 * follow up (a thank-you went out; a new debt is worth a gentler approach).
 */
export function RecoveredPage() {
  const recovered = useQuery({ queryKey: keys.recovered, queryFn: endpoints.listRecovered });
  const items = recovered.data?.items ?? [];
  const total = items.reduce((sum, item) => sum + item.recoveredCents, 0);
  return (
    <Stack>
      <title>Recuperados · Régua</title>
      <Group justify="space-between" align="flex-start">
        <Title order={2}>Recuperados</Title>
        {items.length > 0 && (
          <CsvExportButton
            path="/api/v1/recovered/export.csv"
            filename="recuperados.csv"
            data-testid="recovered-csv"
          />
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Clientes que pagaram tudo ou concluíram um acordo nos últimos 90 dias. Acompanhe-os até a data
        indicada: quem volta a dever aparece marcado.
      </Text>
      {recovered.isPending && <PageLoader />}
      {recovered.isError && <ProblemAlert error={recovered.error} />}
      {recovered.data && items.length === 0 && (
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed" data-testid="recovered-empty">
            Nenhum cliente recuperado nos últimos 90 dias.
          </Text>
        </Paper>
      )}
      {items.length > 0 && (
        <Paper withBorder p="md">
          <Text size="sm" mb="sm" data-testid="recovered-summary">
            {plural(items.length, 'cliente recuperado', 'clientes recuperados')}, {formatCents(total)} no
            total.
          </Text>
          <Table.ScrollContainer minWidth={760}>
            <Table striped verticalSpacing="xs" data-testid="recovered-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Devedor</Table.Th>
                  <Table.Th>Carteira</Table.Th>
                  <Table.Th>Motivo</Table.Th>
                  <Table.Th ta="right">Recuperado</Table.Th>
                  <Table.Th>Em</Table.Th>
                  <Table.Th>Acompanhar até</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((customer) => (
                  <RecoveredRow key={customer.id} customer={customer} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  );
}
