import { Alert, Anchor, Button, Group, Modal, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { endpoints, keys, LIST_PAGE_SIZE, worklistCursor } from '../api/endpoints.ts';
import type { WorklistAssigned, WorklistFilters, WorklistTask } from '../api/types.ts';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { CallCard } from '../components/worklist/CallCard.tsx';
import { OutcomeForm } from '../components/worklist/OutcomeForm.tsx';
import { formatCents, formatDate, plural } from '../lib/format.ts';
import { taskOutcomeLabel } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';
import { canWorkTasks, useSession } from '../session.tsx';

type Tab = 'mine' | 'unassigned' | 'all' | 'done';

const TABS: { value: Tab; label: string; assigned: WorklistAssigned; empty: string }[] = [
  { value: 'mine', label: 'Minhas', assigned: 'me', empty: 'Você não está com nenhuma ligação.' },
  {
    value: 'unassigned',
    label: 'Sem responsável',
    assigned: 'unassigned',
    empty: 'Nenhuma ligação esperando responsável.',
  },
  { value: 'all', label: 'Todas', assigned: 'all', empty: 'Nenhuma ligação em aberto.' },
  { value: 'done', label: 'Concluídas', assigned: 'all', empty: 'Nenhuma ligação concluída ainda.' },
];

/**
 * The server pages done calls by priority although it lists them newest first, so that keyset cannot
 * page them: the done tab shows the most recent ones, as many as one request allows.
 */
const DONE_LIMIT = 200;

function isTab(value: string | null): value is Tab {
  return TABS.some((t) => t.value === value);
}

function useWorklist(filters: WorklistFilters) {
  const open = filters.status === 'open';
  return useInfiniteQuery({
    queryKey: keys.worklist(filters),
    queryFn: ({ pageParam, signal }) =>
      endpoints.listWorklist(filters, pageParam, signal, open ? LIST_PAGE_SIZE : DONE_LIMIT),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => {
      const tail = last.items[last.items.length - 1];
      return open && tail && last.items.length === LIST_PAGE_SIZE ? worklistCursor(tail) : undefined;
    },
    placeholderData: keepPreviousData,
    // Other collectors take calls too.
    refetchInterval: 30_000,
  });
}

function CallList({
  filters,
  empty,
  onRecord,
  onClaimed,
  onShowUnassigned,
}: {
  filters: WorklistFilters;
  empty: string;
  onRecord: (task: WorklistTask) => void;
  onClaimed: () => void;
  onShowUnassigned: (() => void) | null;
}) {
  const list = useWorklist(filters);
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const open = filters.status === 'open';

  if (list.isPending) return <PageLoader />;
  if (list.isError && !list.isFetchNextPageError) return <ProblemAlert error={list.error} />;
  if (rows.length === 0)
    return (
      <Stack gap="xs" align="flex-start" data-testid="worklist-empty">
        <Text c="dimmed">{empty}</Text>
        {onShowUnassigned && (
          <Button variant="light" onClick={onShowUnassigned} data-testid="worklist-show-unassigned">
            Ver ligações sem responsável
          </Button>
        )}
      </Stack>
    );

  return (
    <Stack gap="sm" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }} data-testid="worklist">
      {rows.map((task, index) => (
        <CallCard
          key={task.id}
          task={task}
          rank={open ? index + 1 : null}
          onRecord={onRecord}
          onClaimed={onClaimed}
        />
      ))}
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="worklist-count">
          {open
            ? plural(rows.length, 'ligação exibida', 'ligações exibidas')
            : rows.length >= DONE_LIMIT
              ? `As ${DONE_LIMIT} ligações concluídas mais recentes`
              : plural(rows.length, 'ligação concluída', 'ligações concluídas')}
        </Text>
        {list.hasNextPage && (
          <Button
            variant="light"
            onClick={() => void list.fetchNextPage()}
            loading={list.isFetchingNextPage}
            data-testid="worklist-load-more"
          >
            Carregar mais
          </Button>
        )}
      </Group>
      {list.isFetchNextPageError && <ProblemAlert error={list.error} />}
    </Stack>
  );
}

/** The collectors' calls: phone steps of the régua, most urgent first, and how each went. */
export function WorklistPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = isTab(tabParam) ? tabParam : 'mine';
  const creditorId = parseId(params.get('creditorId'));
  const [recording, setRecording] = useState<WorklistTask | null>(null);
  const [recorded, setRecorded] = useState<WorklistTask | null>(null);
  const allowed = canWorkTasks(session);

  const setParam = (name: string, value: string | null) =>
    editSearchParams(setParams, (next) => {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    });
  const setTab = (value: Tab) => setParam('tab', value === 'mine' ? null : value);

  const creditors = useQuery({
    queryKey: keys.creditors,
    queryFn: endpoints.listCreditors,
    enabled: allowed,
  });
  const creditorOptions = (creditors.data?.items ?? []).map((c) => ({
    value: String(c.id),
    label: c.legalName,
  }));

  if (!allowed)
    return (
      <Stack>
        <title>Ligações · Régua</title>
        <Title order={2}>Ligações</Title>
        <Alert color="gray" variant="light" title="Acesso restrito" data-testid="worklist-forbidden">
          A lista de ligações é dos cobradores, gestores e administradores.
        </Alert>
      </Stack>
    );

  return (
    <Stack maw={1100}>
      <title>Ligações · Régua</title>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Ligações</Title>
          <Text c="dimmed" size="sm">
            As etapas de ligação da régua, pelo valor esperado (chance de pagamento × valor em aberto), com
            vez garantida para cada faixa de atraso, para que os casos recentes não fiquem para trás. Pegue
            uma ligação, ligue e registre como foi.
          </Text>
        </div>
        <Group align="flex-end" gap="sm">
          <CsvExportButton
            path="/api/v1/worklist/export.csv"
            query={{
              status: tab === 'done' ? 'done' : 'open',
              assigned: TABS.find((t) => t.value === tab)?.assigned ?? 'all',
              creditorId: creditorId ?? undefined,
            }}
            filename="fila-de-ligacoes.csv"
            data-testid="worklist-csv"
          />
          <Select
            label="Carteira"
            placeholder="Todas"
            w={280}
            data={creditorOptions}
            value={creditorId === null ? null : String(creditorId)}
            onChange={(value) => setParam('creditorId', value)}
            clearable
            searchable
            data-testid="worklist-creditor"
          />
        </Group>
      </Group>

      {recorded && (
        <Alert
          color="green"
          variant="light"
          withCloseButton
          onClose={() => setRecorded(null)}
          data-testid="outcome-saved"
        >
          Resultado registrado para{' '}
          <Anchor component={Link} to={`/debtors/${recorded.debtorId}`} size="sm">
            {recorded.debtorName}
          </Anchor>
          : {taskOutcomeLabel(recorded.outcome)}
          {recorded.outcome === 'promise'
            ? ` de ${formatCents(recorded.promiseCents)} até ${formatDate(recorded.promiseDate)}`
            : ''}
          .
        </Alert>
      )}

      <Tabs value={tab} onChange={(value) => isTab(value) && setTab(value)} keepMounted={false}>
        <Tabs.List mb="md">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} data-testid={`worklist-tab-${t.value}`}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            <CallList
              filters={{
                status: t.value === 'done' ? 'done' : 'open',
                assigned: t.assigned,
                creditorId: creditorId ?? undefined,
              }}
              empty={t.empty}
              onRecord={(task) => {
                setRecorded(null);
                setRecording(task);
              }}
              // Taking a call from the unassigned list: it is now among yours.
              onClaimed={() => {
                if (t.value === 'unassigned') setTab('mine');
              }}
              onShowUnassigned={t.value === 'mine' ? () => setTab('unassigned') : null}
            />
          </Tabs.Panel>
        ))}
      </Tabs>

      <Modal
        opened={recording !== null}
        onClose={() => setRecording(null)}
        title="Registrar resultado da ligação"
        size="lg"
        centered
      >
        {recording && (
          <OutcomeForm
            task={recording}
            onCancel={() => setRecording(null)}
            onDone={(saved) => {
              setRecording(null);
              setRecorded(saved);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}
