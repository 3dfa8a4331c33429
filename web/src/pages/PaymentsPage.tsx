import {
  Alert,
  Anchor,
  Badge,
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { endpoints, keys, LIST_PAGE_SIZE } from '../api/endpoints.ts';
import type { Payment, PaymentFilters, PaymentImportResult } from '../api/types.ts';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { type ReconcileOutcome, ReconcilePanel } from '../components/ReconcilePanel.tsx';
import {
  formatBytes,
  formatCents,
  formatDate,
  formatDocument,
  formatInteger,
  formatPercent,
  plural,
} from '../lib/format.ts';
import {
  matchedByLabel,
  paymentFormatLabel,
  paymentStatusColor,
  paymentStatusHelp,
  paymentStatusLabel,
} from '../lib/labels.ts';
import { editSearchParams } from '../lib/params.ts';
import { canImportPayments, canReconcilePayments, canSeePayments, useSession } from '../session.tsx';

const ACCEPT = '.ret,.txt,.ofx,.RET,.TXT,.OFX';

/** "12 pagamentos recebidos: 10 conciliados, 1 com crédito, 1 para conciliar; 3 já importados antes" */
export function paymentImportHeadline(result: PaymentImportResult): string {
  const parts = [
    result.allocated > 0 ? plural(result.allocated, 'conciliado', 'conciliados') : null,
    result.partiallyAllocated > 0 ? `${formatInteger(result.partiallyAllocated)} com crédito` : null,
    result.unallocated > 0 ? `${formatInteger(result.unallocated)} para conciliar` : null,
  ].filter((part): part is string => part !== null);
  const received =
    result.payments === 0
      ? 'Nenhum pagamento novo'
      : `${plural(result.payments, 'pagamento recebido', 'pagamentos recebidos')}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
  const duplicates =
    result.duplicates > 0
      ? `; ${plural(result.duplicates, 'já importado antes', 'já importados antes')}`
      : '';
  return `${received}${duplicates}`;
}

function NotesTable({
  notes,
  testId,
  rowTestId,
}: {
  notes: PaymentImportResult['errors'];
  testId: string;
  rowTestId: string;
}) {
  return (
    <Table striped verticalSpacing={4} data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={80}>Linha</Table.Th>
          <Table.Th>Motivo</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {notes.map((note) => (
          <Table.Tr key={`${note.line}-${note.reason}`} data-testid={rowTestId}>
            <Table.Td data-testid={`${rowTestId}-line`}>{note.line > 0 ? note.line : 'Arquivo'}</Table.Td>
            <Table.Td data-testid={`${rowTestId}-reason`}>{note.reason}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ImportOutcome({ result, filename }: { result: PaymentImportResult; filename: string }) {
  const [showIgnored, setShowIgnored] = useState(false);
  return (
    <Stack gap="sm" data-testid="payment-result" data-seen-before={result.seenBefore ? 'true' : 'false'}>
      <Group gap="xs">
        <Text fw={600}>{filename}</Text>
        <Badge variant="light" color="gray" tt="none" data-testid="payment-result-format">
          {paymentFormatLabel(result.format)}
        </Badge>
      </Group>
      <Text size="lg" fw={600} data-testid="payment-result-headline">
        {paymentImportHeadline(result)}
      </Text>
      {(result.allocatedCents > 0 || result.creditCents > 0) && (
        <Text size="sm" data-testid="payment-result-amounts">
          {formatCents(result.allocatedCents)} lançados nos títulos
          {result.creditCents > 0 &&
            ` · ${formatCents(result.creditCents)} ficaram como crédito ${result.partiallyAllocated > 1 ? 'dos devedores' : 'do devedor'}`}
        </Text>
      )}
      {result.seenBefore && (
        <Alert color="blue" variant="light" data-testid="payment-seen-before">
          Este arquivo já tinha sido importado: nada foi lançado duas vezes.
        </Alert>
      )}
      {result.unallocated > 0 && (
        <Text size="sm" c="orange.8" data-testid="payment-result-unallocated">
          {result.unallocated === 1
            ? 'Um pagamento não foi identificado e aguarda conciliação: veja a aba “Para conciliar”.'
            : `${result.unallocated} pagamentos não foram identificados e aguardam conciliação: veja a aba “Para conciliar”.`}
        </Text>
      )}
      {result.errors.length > 0 && (
        <Alert
          color="red"
          variant="light"
          title={`${plural(result.errors.length, 'linha não pôde ser lida', 'linhas não puderam ser lidas')}`}
          data-testid="payment-errors"
        >
          <Text size="sm" mb="xs">
            As demais linhas foram processadas normalmente. Confira estas linhas com o banco.
          </Text>
          <NotesTable notes={result.errors} testId="payment-errors-table" rowTestId="payment-error" />
        </Alert>
      )}
      {result.ignored.length > 0 && (
        <Stack gap={4}>
          <Anchor
            component="button"
            type="button"
            size="sm"
            c="dimmed"
            onClick={() => setShowIgnored((v) => !v)}
            data-testid="payment-ignored-toggle"
            style={{ alignSelf: 'flex-start' }}
          >
            {showIgnored ? 'Ocultar' : 'Ver'}{' '}
            {plural(result.ignored.length, 'linha ignorada', 'linhas ignoradas')} (cabeçalhos, totais e
            movimentos que não são pagamentos)
          </Anchor>
          {showIgnored && (
            <NotesTable notes={result.ignored} testId="payment-ignored-table" rowTestId="payment-ignored" />
          )}
        </Stack>
      )}
    </Stack>
  );
}

function PaymentImportCard() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const [done, setDone] = useState<{ result: PaymentImportResult; filename: string } | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  const upload = useMutation({
    mutationFn: (chosen: File) => {
      const controller = new AbortController();
      abortRef.current = controller;
      setProgress(0);
      return endpoints.importPayments(chosen, setProgress, controller.signal);
    },
    onSuccess: (result, chosen) => {
      setDone({ result, filename: chosen.name });
      // Titles got paid and debtors got credit: every figure that shows them is out of date.
      void queryClient.invalidateQueries({ queryKey: keys.paymentsAll });
      void queryClient.invalidateQueries({ queryKey: ['receivables'] });
      void queryClient.invalidateQueries({ queryKey: ['debtors'] });
      void queryClient.invalidateQueries({ queryKey: ['charges'] });
      void queryClient.invalidateQueries({ queryKey: keys.offersAll });
      void queryClient.invalidateQueries({ queryKey: keys.creditors });
    },
    onSettled: () => {
      abortRef.current = null;
    },
  });
  const aborted = upload.error instanceof DOMException && upload.error.name === 'AbortError';

  const choose = (next: File | null) => {
    upload.reset();
    setDone(null);
    setFile(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || upload.isPending) return;
    setDone(null);
    upload.mutate(file);
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} data-testid="payment-import-form">
        <Stack>
          <FileInput
            label="Arquivo do banco"
            description="Retorno de cobrança CNAB 240 ou 400 (.ret, .txt) ou extrato OFX (.ofx). Cada pagamento entra uma vez: importar o mesmo arquivo de novo não lança nada em dobro."
            placeholder="Escolha o arquivo de retorno ou extrato"
            accept={ACCEPT}
            value={file}
            onChange={choose}
            clearable
            disabled={upload.isPending}
            data-testid="payment-file"
          />
          {file && (
            <Text size="xs" c="dimmed">
              {file.name} · {formatBytes(file.size)}
            </Text>
          )}
          {upload.isPending && (
            <Stack gap={4} data-testid="payment-upload-progress">
              <Group justify="space-between">
                <Text size="sm">{progress < 1 ? 'Enviando arquivo…' : 'Lançando os pagamentos…'}</Text>
                <Text size="sm" c="dimmed">
                  {formatPercent(progress)}
                </Text>
              </Group>
              <Progress value={progress * 100} size="lg" aria-label="Progresso do envio" />
            </Stack>
          )}
          {upload.isError && !aborted && (
            <ProblemAlert error={upload.error} title="Não foi possível importar o arquivo" />
          )}
          {aborted && (
            <Text size="sm" c="dimmed">
              Envio cancelado.
            </Text>
          )}
          <Group>
            <Button type="submit" disabled={!file} loading={upload.isPending} data-testid="payment-submit">
              Importar pagamentos
            </Button>
            {upload.isPending && (
              <Button variant="subtle" color="gray" onClick={() => abortRef.current?.abort()}>
                Cancelar envio
              </Button>
            )}
          </Group>
          {done && <ImportOutcome result={done.result} filename={done.filename} />}
        </Stack>
      </form>
    </Paper>
  );
}

function PaymentRow({
  payment,
  canReconcile,
  onReconcile,
}: {
  payment: Payment;
  canReconcile: boolean;
  onReconcile: (payment: Payment) => void;
}) {
  const session = useSession();
  const help = paymentStatusHelp(payment.status);
  const badge = (
    <Badge variant="light" color={paymentStatusColor(payment.status)} data-testid="payment-status">
      {paymentStatusLabel(payment.status)}
    </Badge>
  );
  return (
    <Table.Tr data-testid="payment-row" data-status={payment.status} data-id={payment.id}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{formatDate(payment.paidOn)}</Text>
        <Text size="xs" c="dimmed">
          {paymentFormatLabel(payment.source)}
        </Text>
      </Table.Td>
      <Table.Td data-testid="payment-payer">
        <Text size="sm">{payment.payerName ?? '—'}</Text>
        {payment.payerDocument && (
          <Text size="xs" c="dimmed">
            {formatDocument(payment.payerDocument)}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }} data-testid="payment-amount">
        {formatCents(payment.amountCents)}
      </Table.Td>
      <Table.Td>
        {help ? (
          <Tooltip label={help} multiline w={260}>
            {badge}
          </Tooltip>
        ) : (
          badge
        )}
      </Table.Td>
      <Table.Td data-testid="payment-matched">
        {payment.matchedBy ? (
          <Text size="sm">{matchedByLabel(payment.matchedBy, session.user)}</Text>
        ) : (
          <Text size="sm" c="dimmed">
            Não identificado
          </Text>
        )}
        {payment.reference && !payment.matchedBy?.includes(payment.reference) && (
          <Text size="xs" c="dimmed">
            Ref. {payment.reference}
          </Text>
        )}
      </Table.Td>
      <Table.Td data-testid="payment-debtor">
        {payment.debtorId !== null ? (
          <Anchor component={Link} to={`/debtors/${payment.debtorId}`} size="sm">
            {payment.debtorName ?? `Devedor nº ${payment.debtorId}`}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td data-testid="payment-allocations">
        {payment.allocations.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nenhum título
          </Text>
        ) : (
          payment.allocations.map((a) => (
            <Text size="sm" key={a.receivableId} style={{ whiteSpace: 'nowrap' }}>
              {a.externalId}: {formatCents(a.cents)}
            </Text>
          ))
        )}
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }} data-testid="payment-credit">
        {payment.creditCents > 0 ? (
          <Text size="sm" c="blue.7" fw={500}>
            {formatCents(payment.creditCents)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {payment.status === 'unallocated' && (
          <Button
            size="xs"
            variant={canReconcile ? 'filled' : 'light'}
            onClick={() => onReconcile(payment)}
            data-testid="payment-reconcile"
          >
            {canReconcile ? 'Conciliar' : 'Ver candidatos'}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function PaymentsList({
  filters,
  onReconcile,
}: {
  filters: PaymentFilters;
  onReconcile: (payment: Payment) => void;
}) {
  const session = useSession();
  const canReconcile = canReconcilePayments(session);
  const payments = useInfiniteQuery({
    queryKey: keys.payments(filters),
    queryFn: ({ pageParam, signal }) => endpoints.listPayments(filters, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) =>
      last.items.length < LIST_PAGE_SIZE ? undefined : (last.items[last.items.length - 1]?.id ?? undefined),
    placeholderData: keepPreviousData,
  });
  const rows = payments.data?.pages.flatMap((p) => p.items) ?? [];
  const toReconcile = filters.status === 'unallocated';

  if (payments.isPending) return <PageLoader />;
  if (payments.isError && !payments.isFetchNextPageError) return <ProblemAlert error={payments.error} />;
  if (rows.length === 0)
    return (
      <Text c="dimmed" data-testid="payments-empty">
        {toReconcile
          ? 'Nenhum pagamento para conciliar: todos os pagamentos recebidos foram identificados.'
          : 'Nenhum pagamento recebido ainda. Importe o arquivo de retorno do banco ou o extrato OFX.'}
      </Text>
    );
  return (
    <Stack gap="xs">
      <Group justify="flex-end">
        <CsvExportButton
          path="/api/v1/payments/export.csv"
          query={{ ...filters }}
          filename={toReconcile ? 'pagamentos-para-conciliar.csv' : 'pagamentos.csv'}
          data-testid="payments-csv"
        />
      </Group>
      <Table.ScrollContainer minWidth={1000}>
        <Table
          striped
          verticalSpacing="xs"
          data-testid="payments-table"
          style={{ opacity: payments.isPlaceholderData ? 0.6 : 1 }}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Pago em</Table.Th>
              <Table.Th>Pagador</Table.Th>
              <Table.Th ta="right">Valor</Table.Th>
              <Table.Th miw={130}>Situação</Table.Th>
              <Table.Th>Identificado por</Table.Th>
              <Table.Th>Devedor</Table.Th>
              <Table.Th>Títulos pagos</Table.Th>
              <Table.Th ta="right">Crédito</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((payment) => (
              <PaymentRow
                key={payment.id}
                payment={payment}
                canReconcile={canReconcile}
                onReconcile={onReconcile}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {payments.hasNextPage && (
        <Group justify="center">
          <Button
            variant="light"
            size="xs"
            onClick={() => void payments.fetchNextPage()}
            loading={payments.isFetchingNextPage}
            data-testid="payments-load-more"
          >
            Carregar mais
          </Button>
        </Group>
      )}
      {payments.isFetchNextPageError && <ProblemAlert error={payments.error} />}
    </Stack>
  );
}

/** Payments from the bank (return files, statements): import them and see how each was matched. */
export function PaymentsPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const tab = params.get('aba') === 'conciliar' ? 'conciliar' : 'todos';
  const [reconciling, setReconciling] = useState<Payment | null>(null);
  const [decided, setDecided] = useState<ReconcileOutcome | null>(null);
  const openPanel = (payment: Payment) => {
    setDecided(null);
    setReconciling(payment);
  };

  if (!canSeePayments(session))
    return (
      <Stack>
        <title>Pagamentos · Régua</title>
        <Title order={2}>Pagamentos</Title>
        <Alert color="gray" variant="light" title="Acesso restrito" data-testid="payments-forbidden">
          Apenas a equipe do escritório acompanha os pagamentos recebidos.
        </Alert>
      </Stack>
    );

  return (
    <Stack maw={1300} data-testid="payments-page">
      <title>Pagamentos · Régua</title>
      <div>
        <Title order={2}>Pagamentos</Title>
        <Text c="dimmed" size="sm">
          O que os devedores pagaram, lido dos retornos do banco e dos extratos: cada pagamento é lançado nos
          títulos pelo nosso número, pelo seu número ou pelo CPF/CNPJ do pagador; o que sobra fica como
          crédito do devedor.
        </Text>
      </div>

      {canImportPayments(session) && <PaymentImportCard />}

      {decided && (
        <Alert
          color="green"
          variant="light"
          withCloseButton
          onClose={() => setDecided(null)}
          data-testid="reconcile-outcome"
          data-payment-id={decided.paymentId}
        >
          {decided.message}
        </Alert>
      )}

      <Tabs
        value={tab}
        onChange={(value) =>
          editSearchParams(setParams, (next) => {
            if (value === 'conciliar') next.set('aba', 'conciliar');
            else next.delete('aba');
          })
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="todos" data-testid="payments-tab-all">
            <Text fw={600}>Todos</Text>
          </Tabs.Tab>
          <Tabs.Tab value="conciliar" data-testid="payments-tab-unallocated">
            <Text fw={600}>Para conciliar</Text>
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="todos">
          <PaymentsList filters={{}} onReconcile={openPanel} />
        </Tabs.Panel>
        <Tabs.Panel value="conciliar">
          <PaymentsList filters={{ status: 'unallocated' }} onReconcile={openPanel} />
        </Tabs.Panel>
      </Tabs>

      <ReconcilePanel
        payment={reconciling}
        onClose={() => setReconciling(null)}
        onDecided={(outcome) => {
          setReconciling(null);
          setDecided(outcome);
        }}
      />
    </Stack>
  );
}
