import {
  Alert,
  Anchor,
  Button,
  Group,
  Pagination,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { Import } from '../api/types.ts';
import { formatBytes, formatDateTime, formatInteger, formatPercent, plural } from '../lib/format.ts';
import { importErrorMessage, importFailureMessage } from '../lib/labels.ts';
import { useSession } from '../session.tsx';
import { CsvExportButton } from './CsvExportButton.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { ImportStatusBadge } from './StatusBadge.tsx';

const POLL_MS = 500;
const ERRORS_PAGE_SIZE = 100;

export function isFinished(imp: Pick<Import, 'status'>): boolean {
  return imp.status === 'completed' || imp.status === 'failed';
}

function SummaryCard({
  label,
  value,
  color,
  testId,
}: {
  label: string;
  value: number;
  color?: string;
  testId: string;
}) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} data-testid={`${testId}-value`}>
        {formatInteger(value)}
      </Text>
    </Paper>
  );
}

export function ImportSummary({ imp }: { imp: Import }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="import-summary">
      <SummaryCard label="Novos" value={imp.imported} color="green.7" testId="summary-imported" />
      <SummaryCard label="Atualizados" value={imp.updated} color="blue.7" testId="summary-updated" />
      <SummaryCard label="Sem alteração" value={imp.unchanged} testId="summary-unchanged" />
      <SummaryCard
        label="Rejeitados"
        value={imp.rejected}
        color={imp.rejected > 0 ? 'red.7' : undefined}
        testId="summary-rejected"
      />
    </SimpleGrid>
  );
}

function ProcessingProgress({ imp }: { imp: Import }) {
  const total = imp.totalBytes ?? 0;
  const fraction = total > 0 ? Math.min(1, imp.processedBytes / total) : 0;
  return (
    <Stack gap={4} data-testid="import-processing">
      <Group justify="space-between">
        <Text size="sm">
          {imp.status === 'queued' ? 'Aguardando processamento…' : 'Processando arquivo…'}
        </Text>
        <Text size="sm" c="dimmed">
          {total > 0
            ? `${formatBytes(imp.processedBytes)} de ${formatBytes(total)} (${formatPercent(fraction)})`
            : formatBytes(imp.processedBytes)}
        </Text>
      </Group>
      <Progress value={fraction * 100} animated size="lg" aria-label="Progresso do processamento" />
      <Text size="xs" c="dimmed">
        {plural(imp.processedRows, 'linha processada', 'linhas processadas')} · {formatInteger(imp.imported)}{' '}
        novos · {formatInteger(imp.updated)} atualizados · {formatInteger(imp.unchanged)} sem alteração ·{' '}
        {formatInteger(imp.rejected)} rejeitados
      </Text>
    </Stack>
  );
}

export function ImportErrorsTable({
  importId,
  quietWhenEmpty = false,
}: {
  importId: number;
  quietWhenEmpty?: boolean;
}) {
  const [page, setPage] = useState(1);
  const offset = (page - 1) * ERRORS_PAGE_SIZE;
  const errors = useQuery({
    queryKey: keys.importErrors(importId, offset, ERRORS_PAGE_SIZE),
    queryFn: () => endpoints.getImportErrors(importId, offset, ERRORS_PAGE_SIZE),
    placeholderData: keepPreviousData,
  });

  if (errors.isPending) return <PageLoader />;
  if (errors.isError) return <ProblemAlert error={errors.error} title="Não foi possível carregar os erros" />;
  const { items, total } = errors.data;
  if (total === 0) {
    if (quietWhenEmpty) return null;
    return (
      <Text size="sm" c="dimmed" data-testid="import-errors-empty">
        Nenhum erro encontrado no arquivo.
      </Text>
    );
  }
  const pages = Math.ceil(total / ERRORS_PAGE_SIZE);
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-start">
        <Title order={4}>Relatório de erros ({formatInteger(total)})</Title>
        <CsvExportButton
          path={`/api/v1/imports/${importId}/errors/export.csv`}
          filename={`importacao-${importId}-erros.csv`}
          data-testid="import-errors-csv"
        />
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table striped data-testid="import-errors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={80}>Linha</Table.Th>
              <Table.Th>Coluna</Table.Th>
              <Table.Th>Valor</Table.Th>
              <Table.Th>Motivo</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: error rows have no id and each page is static.
              <Table.Tr key={`${offset + index}`} data-testid="import-error-row">
                <Table.Td data-testid="import-error-line">{e.line > 0 ? e.line : 'Arquivo'}</Table.Td>
                <Table.Td data-testid="import-error-column">{e.column || '—'}</Table.Td>
                <Table.Td data-testid="import-error-value">
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {e.value || '—'}
                  </Text>
                </Table.Td>
                <Table.Td data-testid="import-error-reason" title={e.reason}>
                  {importErrorMessage(e.code, e.reason)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} size="sm" />}
    </Stack>
  );
}

/** Polls an import until it finishes, then shows its summary and error report. */
export function ImportResult({ importId }: { importId: number }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const imp = useQuery({
    queryKey: keys.import(importId),
    queryFn: () => endpoints.getImport(importId),
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.status === 'error') return false;
      return data && isFinished(data) ? false : POLL_MS;
    },
    staleTime: 0,
  });

  const finished = imp.data ? isFinished(imp.data) : false;
  const creditorId = imp.data?.creditorId;
  useEffect(() => {
    if (!finished) return;
    // New data landed: portfolio figures, receivables and the imports list are out of date.
    void queryClient.invalidateQueries({ queryKey: keys.creditors });
    void queryClient.invalidateQueries({ queryKey: ['receivables'] });
    void queryClient.invalidateQueries({ queryKey: ['debtors'] });
    void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
  }, [finished, queryClient]);

  if (imp.isPending) return <PageLoader />;
  if (imp.isError) return <ProblemAlert error={imp.error} />;
  const data = imp.data;

  return (
    <Stack data-testid="import-result" data-status={data.status}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600}>{data.filename ?? `Importação #${data.id}`}</Text>
            <ImportStatusBadge status={data.status} />
          </Group>
          <Text size="sm" c="dimmed">
            Carteira{' '}
            <Anchor component={Link} to={`/creditors/${data.creditorId}`} size="sm">
              {data.creditorName}
            </Anchor>{' '}
            · enviada em {formatDateTime(data.createdAt, session.organization.timeZone)}
            {data.finishedAt &&
              ` · concluída em ${formatDateTime(data.finishedAt, session.organization.timeZone)}`}
          </Text>
        </Stack>
        {finished && creditorId !== undefined && (
          <Button
            component={Link}
            to={`/creditors/${creditorId}`}
            variant="light"
            data-testid="import-view-portfolio"
          >
            Ver carteira
          </Button>
        )}
      </Group>

      {!finished && <ProcessingProgress imp={data} />}

      {data.status === 'failed' && (
        <Alert color="red" title="A importação falhou" data-testid="import-failed">
          {importFailureMessage(data)}
        </Alert>
      )}

      {finished && (data.status === 'completed' || data.processedRows > 0) && (
        <>
          <Text size="sm" c="dimmed">
            {plural(data.processedRows, 'linha processada', 'linhas processadas')}.
          </Text>
          <ImportSummary imp={data} />
        </>
      )}
      {finished && <ImportErrorsTable importId={data.id} quietWhenEmpty={data.status === 'failed'} />}
    </Stack>
  );
}
