import { Anchor, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { isFinished } from '../components/ImportResult.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { ImportStatusBadge } from '../components/StatusBadge.tsx';
import { formatDateTime, formatInteger } from '../lib/format.ts';
import { parseId } from '../lib/params.ts';
import { canImport, useSession } from '../session.tsx';

export function ImportsPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const creditorId = parseId(params.get('creditorId')) ?? undefined;
  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });
  const imports = useQuery({
    queryKey: keys.imports(creditorId),
    queryFn: () => endpoints.listImports(creditorId),
    // Keep the list fresh while something is still being processed.
    refetchInterval: (query) => (query.state.data?.items.some((i) => !isFinished(i)) ? 2000 : false),
  });

  const newImportHref = creditorId ? `/imports/new?creditorId=${creditorId}` : '/imports/new';

  return (
    <Stack>
      <title>Importações · Régua</title>
      <Group justify="space-between">
        <Title order={2}>Importações</Title>
        <Group gap="xs" align="flex-start">
          <CsvExportButton
            path="/api/v1/imports/export.csv"
            query={{ creditorId }}
            filename="importacoes.csv"
            size="sm"
          />
          {canImport(session) && (
            <Button component={Link} to={newImportHref} data-testid="new-import">
              Nova importação
            </Button>
          )}
        </Group>
      </Group>

      <Select
        label="Carteira"
        placeholder="Todas as carteiras"
        clearable
        searchable
        w={360}
        data={creditors.data?.items.map((c) => ({ value: String(c.id), label: c.legalName })) ?? []}
        value={creditorId ? String(creditorId) : null}
        onChange={(value) => setParams(value ? { creditorId: value } : {}, { replace: true })}
      />

      {imports.isPending && <PageLoader />}
      {imports.isError && <ProblemAlert error={imports.error} />}
      {imports.data && imports.data.items.length === 0 && (
        <Text c="dimmed">Nenhuma importação realizada ainda.</Text>
      )}
      {imports.data && imports.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={1100}>
          <Table striped highlightOnHover data-testid="imports-table">
            <Table.Thead style={{ whiteSpace: 'nowrap' }}>
              <Table.Tr>
                <Table.Th>Arquivo</Table.Th>
                <Table.Th>Carteira</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Linhas</Table.Th>
                <Table.Th ta="right">Novos</Table.Th>
                <Table.Th ta="right">Atualizados</Table.Th>
                <Table.Th ta="right">Sem alteração</Table.Th>
                <Table.Th ta="right">Rejeitados</Table.Th>
                <Table.Th>Data</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {imports.data.items.map((imp) => (
                <Table.Tr key={imp.id} data-testid="import-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/imports/${imp.id}`} size="sm">
                      {imp.filename ?? `#${imp.id} (${imp.source.toUpperCase()})`}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/creditors/${imp.creditorId}`} size="sm" c="inherit">
                      {imp.creditorName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} miw={120}>
                    <ImportStatusBadge status={imp.status} />
                  </Table.Td>
                  <Table.Td ta="right">{formatInteger(imp.processedRows)}</Table.Td>
                  <Table.Td ta="right">{formatInteger(imp.imported)}</Table.Td>
                  <Table.Td ta="right">{formatInteger(imp.updated)}</Table.Td>
                  <Table.Td ta="right">{formatInteger(imp.unchanged)}</Table.Td>
                  <Table.Td ta="right" c={imp.rejected > 0 ? 'red.7' : undefined}>
                    {formatInteger(imp.rejected)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(imp.createdAt, session.organization.timeZone)}
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
