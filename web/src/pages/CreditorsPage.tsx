import { Anchor, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatCents, formatCnpj, formatInteger } from '../lib/format.ts';

export function CreditorsPage() {
  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });

  return (
    <Stack>
      <title>Carteiras · Régua</title>
      <Group justify="space-between">
        <Title order={2}>Carteiras</Title>
        {creditors.data && creditors.data.items.length > 0 && (
          <CsvExportButton path="/api/v1/creditors/export.csv" filename="credores.csv" />
        )}
      </Group>
      {creditors.isPending && <PageLoader />}
      {creditors.isError && <ProblemAlert error={creditors.error} />}
      {creditors.data && creditors.data.items.length === 0 && (
        <Text c="dimmed">Nenhuma carteira cadastrada nesta organização.</Text>
      )}
      {creditors.data && creditors.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover data-testid="creditors-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Razão social</Table.Th>
                <Table.Th>CNPJ</Table.Th>
                <Table.Th>Segmento</Table.Th>
                <Table.Th ta="right">Títulos</Table.Th>
                <Table.Th ta="right">Em aberto</Table.Th>
                <Table.Th ta="right">Vencido</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {creditors.data.items.map((creditor) => (
                <Table.Tr key={creditor.id} data-testid="creditor-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/creditors/${creditor.id}`} fw={500}>
                      {creditor.legalName}
                    </Anchor>
                    {creditor.tradeName && creditor.tradeName !== creditor.legalName && (
                      <Text size="xs" c="dimmed">
                        {creditor.tradeName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatCnpj(creditor.cnpj)}</Table.Td>
                  <Table.Td>{creditor.segment ?? '—'}</Table.Td>
                  <Table.Td ta="right">{formatInteger(creditor.stats?.receivables)}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {formatCents(creditor.stats?.openCents)}
                  </Table.Td>
                  <Table.Td
                    ta="right"
                    style={{ whiteSpace: 'nowrap' }}
                    c={(creditor.stats?.overdueCents ?? 0) > 0 ? 'red.7' : undefined}
                  >
                    {formatCents(creditor.stats?.overdueCents)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
