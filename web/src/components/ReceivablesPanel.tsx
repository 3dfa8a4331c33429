import {
  Anchor,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { endpoints, keys, type ReceivableFilters } from '../api/endpoints.ts';
import type { ReceivableStatus } from '../api/types.ts';
import { formatCents, formatDate, formatDocument } from '../lib/format.ts';
import { isReceivableStatus, RECEIVABLE_STATUS_LABELS, RECEIVABLE_STATUSES } from '../lib/labels.ts';
import { editSearchParams } from '../lib/params.ts';
import { CsvExportButton } from './CsvExportButton.tsx';
import { DateField } from './DateField.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { ReceivableStatusBadge } from './StatusBadge.tsx';

const FILTER_PARAMS = ['status', 'dueFrom', 'dueTo', 'dpdMin', 'dpdMax', 'q'] as const;
type FilterParam = (typeof FILTER_PARAMS)[number];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function intParam(value: string | null): number | undefined {
  if (value === null || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Reads the filters from the URL so they survive navigation to a debtor and back. */
function parseFilters(params: URLSearchParams) {
  const status = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is ReceivableStatus => isReceivableStatus(s));
  const dueFrom = params.get('dueFrom') ?? '';
  const dueTo = params.get('dueTo') ?? '';
  return {
    status,
    dueFrom: DATE_RE.test(dueFrom) ? dueFrom : '',
    dueTo: DATE_RE.test(dueTo) ? dueTo : '',
    dpdMin: intParam(params.get('dpdMin')),
    dpdMax: intParam(params.get('dpdMax')),
    q: (params.get('q') ?? '').trim(),
  };
}

function installment(number: number | null, count: number | null): string {
  if (number === null) return '—';
  return count ? `${number}/${count}` : String(number);
}

export interface ReceivablesPanelProps {
  creditorId?: number;
  debtorId?: number;
  /** Show the debtor column and make rows link to the debtor page. */
  showDebtor?: boolean;
}

export function ReceivablesPanel({ creditorId, debtorId, showDebtor = true }: ReceivablesPanelProps) {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filters = parseFilters(params);
  const [qInput, setQInput] = useState(filters.q);

  const setParam = (name: FilterParam, value: string | undefined) => {
    editSearchParams(setParams, (next) => {
      if (value === undefined || value === '') next.delete(name);
      else next.set(name, value);
    });
  };
  const setQDebounced = useDebouncedCallback((value: string) => setParam('q', value.trim()), 350);

  const clearFilters = () => {
    setQDebounced.cancel();
    setQInput('');
    editSearchParams(setParams, (next) => {
      for (const name of FILTER_PARAMS) next.delete(name);
    });
  };

  const queryFilters: ReceivableFilters = {
    creditorId,
    debtorId,
    status: filters.status.length > 0 ? filters.status : undefined,
    dueFrom: filters.dueFrom || undefined,
    dueTo: filters.dueTo || undefined,
    dpdMin: filters.dpdMin,
    dpdMax: filters.dpdMax,
    q: filters.q || undefined,
  };

  const receivables = useInfiniteQuery({
    queryKey: keys.receivables(queryFilters),
    queryFn: ({ pageParam, signal }) => endpoints.listReceivables(queryFilters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

  const rows = receivables.data?.pages.flatMap((page) => page.items) ?? [];
  const hasFilters =
    filters.status.length > 0 ||
    filters.dueFrom !== '' ||
    filters.dueTo !== '' ||
    filters.dpdMin !== undefined ||
    filters.dpdMax !== undefined ||
    filters.q !== '' ||
    qInput !== '';

  return (
    <Stack gap="sm">
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 6 }} spacing="sm" verticalSpacing="xs">
          <TextInput
            label="Buscar"
            placeholder="Documento, devedor, CPF/CNPJ"
            data-testid="receivables-search"
            value={qInput}
            onChange={(event) => {
              setQInput(event.currentTarget.value);
              setQDebounced(event.currentTarget.value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') setQDebounced.flush();
            }}
          />
          <MultiSelect
            label="Situação"
            placeholder={filters.status.length === 0 ? 'Todas' : undefined}
            data-testid="receivables-status"
            data={RECEIVABLE_STATUSES.map((value) => ({ value, label: RECEIVABLE_STATUS_LABELS[value] }))}
            value={filters.status}
            onChange={(value) => setParam('status', value.join(','))}
            clearable
          />
          <DateField
            label="Vencimento de"
            value={filters.dueFrom}
            onChange={(iso) => setParam('dueFrom', iso)}
            data-testid="receivables-due-from"
          />
          <DateField
            label="Vencimento até"
            value={filters.dueTo}
            onChange={(iso) => setParam('dueTo', iso)}
            data-testid="receivables-due-to"
          />
          <NumberInput
            label="Dias em atraso mín."
            allowDecimal={false}
            value={filters.dpdMin ?? ''}
            onChange={(value) => setParam('dpdMin', typeof value === 'number' ? String(value) : undefined)}
          />
          <NumberInput
            label="Dias em atraso máx."
            allowDecimal={false}
            value={filters.dpdMax ?? ''}
            onChange={(value) => setParam('dpdMax', typeof value === 'number' ? String(value) : undefined)}
          />
        </SimpleGrid>
        <Group justify="flex-end" align="flex-start" mt="xs" gap="xs">
          {hasFilters && (
            <Button variant="subtle" size="xs" onClick={clearFilters}>
              Limpar filtros
            </Button>
          )}
          <CsvExportButton
            path="/api/v1/receivables/export.csv"
            query={{ ...queryFilters }}
            filename="recebiveis.csv"
            data-testid="receivables-csv"
          />
        </Group>
      </Paper>

      {receivables.isPending && <PageLoader />}
      {receivables.isError && !receivables.isFetchNextPageError && <ProblemAlert error={receivables.error} />}
      {receivables.isSuccess && rows.length === 0 && (
        <Text c="dimmed" data-testid="receivables-empty">
          {hasFilters ? 'Nenhum título encontrado com esses filtros.' : 'Nenhum título cadastrado.'}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={showDebtor ? 1100 : 900}>
          <Table
            striped
            highlightOnHover={showDebtor}
            data-testid="receivables-table"
            style={{ opacity: receivables.isPlaceholderData ? 0.6 : 1 }}
          >
            <Table.Thead style={{ whiteSpace: 'nowrap' }}>
              <Table.Tr>
                {showDebtor && <Table.Th>Devedor</Table.Th>}
                <Table.Th>Documento</Table.Th>
                <Table.Th>Parcela</Table.Th>
                <Table.Th>Emissão</Table.Th>
                <Table.Th>Vencimento</Table.Th>
                <Table.Th ta="right">Valor original</Table.Th>
                <Table.Th ta="right">Em aberto</Table.Th>
                <Table.Th ta="right">Dias em atraso</Table.Th>
                <Table.Th>Situação</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr
                  key={r.id}
                  data-testid="receivable-row"
                  data-document-number={r.documentNumber ?? ''}
                  style={showDebtor ? { cursor: 'pointer' } : undefined}
                  onClick={
                    showDebtor
                      ? (event) => {
                          // Let real links (and text selection) behave normally.
                          if ((event.target as HTMLElement).closest('a')) return;
                          if (window.getSelection()?.toString()) return;
                          navigate(`/debtors/${r.debtorId}`);
                        }
                      : undefined
                  }
                >
                  {showDebtor && (
                    <Table.Td>
                      <Anchor component={Link} to={`/debtors/${r.debtorId}`} size="sm" fw={500}>
                        {r.debtorName}
                      </Anchor>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {formatDocument(r.debtorDocument)}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{r.documentNumber ?? '—'}</Text>
                    {r.externalId && r.externalId !== r.documentNumber && (
                      <Text size="xs" c="dimmed">
                        ID {r.externalId}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {installment(r.installmentNumber, r.installmentCount)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(r.issueDate)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(r.dueDate)}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {formatCents(r.originalCents)}
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {formatCents(r.openCents)}
                  </Table.Td>
                  <Table.Td ta="right" c={r.daysPastDue > 0 ? 'red.7' : undefined}>
                    {r.daysPastDue > 0 ? r.daysPastDue : '—'}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <ReceivableStatusBadge status={r.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {rows.length > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="receivables-count">
            {rows.length === 1 ? '1 título exibido' : `${rows.length} títulos exibidos`}
          </Text>
          {receivables.hasNextPage && (
            <Button
              variant="light"
              onClick={() => void receivables.fetchNextPage()}
              loading={receivables.isFetchingNextPage}
              data-testid="receivables-load-more"
            >
              Carregar mais
            </Button>
          )}
        </Group>
      )}
      {receivables.isFetchNextPageError && <ProblemAlert error={receivables.error} />}
    </Stack>
  );
}
