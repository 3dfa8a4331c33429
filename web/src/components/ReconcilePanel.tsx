/**
 * The unmatched queue's panel: a payment no reference matched, who it may be from (each candidate with
 * the reconciler's confidence, its reasons and the titles it would pay), and the person's decision:
 * confirm a candidate, confirm another debtor found by name or CPF/CNPJ, or reject the payment as not
 * a debtor's (a bank fee, a transfer). Without permission payments:reconcile it is read-only.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  List,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import type { ConfirmPaymentInput, Payment, PaymentCandidate, PaymentDecision } from '../api/types.ts';
import { formatCents, formatDate, formatDocument, formatPercent } from '../lib/format.ts';
import { paymentFormatLabel } from '../lib/labels.ts';
import { canReconcilePayments, useSession } from '../session.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** What the page says once a person decided (the panel closes). */
export interface ReconcileOutcome {
  paymentId: number;
  message: string;
}

/** Reasons people give most often for a credit that is not a debtor's payment. */
const REJECT_REASONS = [
  'Tarifa bancária',
  'Transferência entre contas',
  'Estorno',
  'Rendimento de aplicação',
];
const REASON_MIN = 3;
const REASON_MAX = 500;
const NOTE_MAX = 500;

/** Colour of a confidence (visual only: whether a payment is allocated alone is the server's decision). */
function confidenceColor(confidence: number): string {
  if (confidence >= 0.9) return 'green';
  if (confidence >= 0.5) return 'yellow';
  return 'gray';
}

const DECISION_TEXT: Record<string, { color: string; text: string }> = {
  auto: {
    color: 'green',
    text: 'O primeiro candidato é claro o bastante para a conciliação automática: confira e confirme.',
  },
  suggest: {
    color: 'yellow',
    text: 'Sugestão: o primeiro candidato é provável, mas não certo. Confira os motivos antes de confirmar.',
  },
  none: {
    color: 'gray',
    text: 'Nenhum devedor provável. Procure o devedor pelo nome ou CPF/CNPJ, ou rejeite se não for pagamento de devedor.',
  },
};

function isConflict(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 409;
}

function decisionMessage(payment: Payment, decision: PaymentDecision, debtorName: string | null): string {
  const amount = formatCents(payment.amountCents);
  if (decision.status === 'rejected') return `Pagamento de ${amount} rejeitado: não é pagamento de devedor.`;
  const head = `Pagamento de ${amount} conciliado com ${debtorName ?? 'o devedor'}`;
  const details = [
    decision.allocatedCents ? `${formatCents(decision.allocatedCents)} lançados nos títulos` : null,
    decision.chargesCents ? `${formatCents(decision.chargesCents)} de encargos` : null,
    decision.creditCents ? `${formatCents(decision.creditCents)} ficaram como crédito` : null,
  ].filter((part): part is string => part !== null);
  return details.length > 0 ? `${head}: ${details.join(', ')}.` : `${head}.`;
}

function PaymentSummary({ payment }: { payment: Payment }) {
  return (
    <Paper withBorder p="sm" data-testid="reconcile-payment">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text size="xl" fw={700} data-testid="reconcile-amount">
            {formatCents(payment.amountCents)}
          </Text>
          <Text size="sm" c="dimmed">
            Pago em {formatDate(payment.paidOn)} · {paymentFormatLabel(payment.source)}
          </Text>
        </Stack>
        <Stack gap={2} align="flex-end" style={{ minWidth: 0 }}>
          <Text size="sm" fw={500} ta="right">
            {payment.payerName ?? 'Pagador não informado'}
          </Text>
          {payment.payerDocument && (
            <Text size="xs" c="dimmed">
              {formatDocument(payment.payerDocument)}
            </Text>
          )}
          {payment.reference && (
            <Text size="xs" c="dimmed" ta="right">
              Ref. {payment.reference}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}

function CandidateCard({
  candidate,
  rank,
  canDecide,
  pending,
  onConfirm,
}: {
  candidate: PaymentCandidate;
  rank: number;
  canDecide: boolean;
  pending: boolean;
  onConfirm: (candidate: PaymentCandidate) => void;
}) {
  const percent = formatPercent(candidate.confidence);
  const first = candidate.receivables.find((r) => r.id === candidate.receivableIds[0]);
  return (
    <Paper
      withBorder
      p="sm"
      data-testid="reconcile-candidate"
      data-debtor-id={candidate.debtorId}
      data-rank={rank}
    >
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Anchor
              component={Link}
              to={`/debtors/${candidate.debtorId}`}
              fw={600}
              data-testid="reconcile-candidate-name"
            >
              {candidate.debtorName}
            </Anchor>
            <Text size="xs" c="dimmed">
              {formatDocument(candidate.debtorDocument)}
            </Text>
          </Stack>
          <Badge
            size="lg"
            variant="light"
            color={confidenceColor(candidate.confidence)}
            data-testid="reconcile-candidate-confidence"
          >
            {percent}
          </Badge>
        </Group>
        <Progress
          value={Math.round(candidate.confidence * 100)}
          color={confidenceColor(candidate.confidence)}
          size="sm"
          aria-label={`Confiança de ${percent}`}
        />
        {candidate.reasons.length > 0 && (
          <List size="sm" spacing={2} data-testid="reconcile-candidate-reasons">
            {candidate.reasons.map((reason) => (
              <List.Item key={reason} data-testid="reconcile-candidate-reason">
                {reason}
              </List.Item>
            ))}
          </List>
        )}
        {candidate.receivables.length > 0 && (
          <Table verticalSpacing={4} fz="sm" data-testid="reconcile-candidate-receivables">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Título</Table.Th>
                <Table.Th>Vencimento</Table.Th>
                <Table.Th ta="right">Em aberto</Table.Th>
                <Table.Th ta="right">Atualizado</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {candidate.receivables.map((r) => (
                <Table.Tr key={r.id} data-testid="reconcile-candidate-receivable">
                  <Table.Td>
                    {r.externalId}
                    {r.documentNumber && r.documentNumber !== r.externalId && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        · {r.documentNumber}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDate(r.dueDate)}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {formatCents(r.openCents)}
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {r.updatedCents === null ? '—' : formatCents(r.updatedCents)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {canDecide && (
          <Group justify="space-between" align="center" wrap="nowrap">
            <Text size="xs" c="dimmed">
              {first
                ? `Quita primeiro ${first.externalId}; o restante vai para os títulos em aberto mais antigos e a sobra fica como crédito.`
                : 'Lançado nos títulos em aberto mais antigos; a sobra fica como crédito.'}
            </Text>
            <Button
              onClick={() => onConfirm(candidate)}
              loading={pending}
              data-testid="reconcile-confirm"
              style={{ flexShrink: 0 }}
            >
              Confirmar
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** Finds any debtor the user sees by name or CPF/CNPJ, to confirm the payment to them. */
function OtherDebtor({
  canDecide,
  pendingDebtorId,
  onConfirm,
}: {
  canDecide: boolean;
  pendingDebtorId: number | null;
  onConfirm: (debtorId: number, name: string) => void;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const debtors = useQuery({
    queryKey: keys.debtorSearch(q),
    queryFn: ({ signal }) => endpoints.searchDebtors(q, signal),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
  });
  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });
  const creditorName = (id: number) => {
    const creditor = creditors.data?.items.find((c) => c.id === id);
    return creditor ? (creditor.tradeName ?? creditor.legalName) : null;
  };
  const searching = q.length >= 2;
  // Kept while the next search runs; nothing once the search is cleared.
  const items = searching ? (debtors.data?.items ?? []) : [];
  return (
    <Stack gap="xs" data-testid="reconcile-other">
      <TextInput
        label="Procurar devedor"
        description="Nome ou CPF/CNPJ, em todas as carteiras."
        placeholder="Ex.: Maria da Silva ou 529.982.247-25"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maxLength={200}
        data-testid="reconcile-search"
      />
      {searching && debtors.isPending && <PageLoader />}
      {debtors.isError && <ProblemAlert error={debtors.error} />}
      {searching && debtors.isSuccess && !debtors.isPlaceholderData && items.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="reconcile-search-empty">
          Nenhum devedor encontrado.
        </Text>
      )}
      {items.map((debtor) => (
        <Paper
          withBorder
          p="xs"
          key={debtor.id}
          data-testid="reconcile-search-result"
          data-debtor-id={debtor.id}
        >
          <Group justify="space-between" wrap="nowrap">
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/debtors/${debtor.id}`} size="sm" fw={500}>
                {debtor.name}
              </Anchor>
              <Text size="xs" c="dimmed">
                {formatDocument(debtor.document)}
                {creditorName(debtor.creditorId) ? ` · ${creditorName(debtor.creditorId)}` : ''} ·{' '}
                {formatCents(debtor.openCents)} em aberto
              </Text>
            </Stack>
            {canDecide && (
              <Button
                size="xs"
                variant="light"
                onClick={() => onConfirm(debtor.id, debtor.name)}
                loading={pendingDebtorId === debtor.id}
                disabled={pendingDebtorId !== null && pendingDebtorId !== debtor.id}
                data-testid="reconcile-search-confirm"
                style={{ flexShrink: 0 }}
              >
                Confirmar para este devedor
              </Button>
            )}
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

function RejectForm({ pending, onReject }: { pending: boolean; onReject: (reason: string) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const error =
    tried && reason.trim().length < REASON_MIN
      ? 'Diga por que não é pagamento de devedor (ex.: tarifa bancária).'
      : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (reason.trim().length < REASON_MIN) return;
    onReject(reason.trim());
  };
  if (!open)
    return (
      <Button
        variant="subtle"
        color="red"
        onClick={() => setOpen(true)}
        data-testid="reconcile-reject-open"
        style={{ alignSelf: 'flex-start' }}
      >
        Não é pagamento de devedor
      </Button>
    );
  return (
    <form onSubmit={submit} data-testid="reconcile-reject-form">
      <Stack gap="xs">
        <Text size="sm">
          O pagamento sai da fila sem pagar título nenhum, com o motivo e quem decidiu registrados.
        </Text>
        <Group gap={6} role="group" aria-label="Motivos comuns">
          {REJECT_REASONS.map((option) => (
            <Button
              key={option}
              size="compact-sm"
              variant={reason === option ? 'filled' : 'default'}
              onClick={() => setReason(option)}
              data-testid="reconcile-reject-option"
            >
              {option}
            </Button>
          ))}
        </Group>
        <TextInput
          label="Motivo"
          withAsterisk
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={error}
          maxLength={REASON_MAX}
          data-testid="reconcile-reject-reason"
        />
        <Group>
          <Button type="submit" color="red" loading={pending} data-testid="reconcile-reject">
            Rejeitar pagamento
          </Button>
          <Button variant="subtle" color="gray" onClick={() => setOpen(false)} disabled={pending}>
            Voltar
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PanelContent({
  payment,
  onDecided,
}: {
  payment: Payment;
  onDecided: (outcome: ReconcileOutcome) => void;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const canDecide = canReconcilePayments(session);
  const [note, setNote] = useState('');
  const [conflict, setConflict] = useState<string | null>(null);
  const candidates = useQuery({
    queryKey: keys.paymentCandidates(payment.id),
    queryFn: ({ signal }) => endpoints.getPaymentCandidates(payment.id, signal),
    staleTime: 0,
  });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.paymentsAll });
  };
  const afterDecision = (decision: PaymentDecision, debtorName: string | null) => {
    refresh();
    if (decision.status !== 'rejected') {
      // Titles got paid (and maybe credit): every figure that shows them is out of date.
      void queryClient.invalidateQueries({ queryKey: ['receivables'] });
      void queryClient.invalidateQueries({ queryKey: ['debtors'] });
      void queryClient.invalidateQueries({ queryKey: ['charges'] });
      void queryClient.invalidateQueries({ queryKey: keys.offersAll });
      void queryClient.invalidateQueries({ queryKey: ['agreements'] });
      void queryClient.invalidateQueries({ queryKey: keys.creditors });
    }
    onDecided({ paymentId: payment.id, message: decisionMessage(payment, decision, debtorName) });
  };
  const onError = (error: unknown) => {
    if (isConflict(error)) {
      // Someone decided it meanwhile: say so and show the lists as they are now.
      setConflict(error.problem.detail ?? 'Este pagamento já foi decidido.');
      refresh();
    }
  };

  const confirm = useMutation({
    mutationFn: (input: ConfirmPaymentInput & { debtorName: string }) => {
      const { debtorName: _name, ...body } = input;
      return endpoints.confirmPayment(payment.id, body);
    },
    onSuccess: (decision, input) => afterDecision(decision, input.debtorName),
    onError,
  });
  const reject = useMutation({
    mutationFn: (reason: string) => endpoints.rejectPayment(payment.id, reason),
    onSuccess: (decision) => afterDecision(decision, null),
    onError,
  });
  const busy = confirm.isPending || reject.isPending;
  const decidable = canDecide && conflict === null;
  const trimmedNote = note.trim();

  const confirmTo = (debtorId: number, debtorName: string, receivableIds?: number[]) => {
    if (busy) return;
    reject.reset();
    confirm.mutate({
      debtorId,
      debtorName,
      ...(receivableIds && receivableIds.length > 0 ? { receivableIds } : {}),
      ...(trimmedNote ? { note: trimmedNote } : {}),
    });
  };

  const decision = candidates.data ? DECISION_TEXT[candidates.data.decision] : undefined;
  const pendingDebtorId = confirm.isPending ? (confirm.variables?.debtorId ?? null) : null;
  const mutationError = [confirm.error, reject.error].find((e) => e !== null && !isConflict(e));

  return (
    <Stack gap="md" data-testid="reconcile-panel" data-payment-id={payment.id}>
      <PaymentSummary payment={payment} />

      {conflict !== null && (
        <Alert
          color="orange"
          variant="light"
          title="Este pagamento já foi decidido"
          data-testid="reconcile-conflict"
        >
          <Text size="sm">{conflict}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            A lista de pagamentos foi atualizada.
          </Text>
        </Alert>
      )}
      {!canDecide && (
        <Alert color="gray" variant="light" data-testid="reconcile-read-only">
          Apenas gestores e administradores conciliam pagamentos: aqui você vê os candidatos.
        </Alert>
      )}
      {mutationError ? (
        <ProblemAlert error={mutationError} title="Não foi possível registrar a decisão" />
      ) : null}

      {decidable && (
        <TextInput
          label="Observação (opcional)"
          description="Fica registrada com a conciliação, ex.: “o filho pagou pela mãe”."
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          maxLength={NOTE_MAX}
          data-testid="reconcile-note"
        />
      )}

      <Divider label="Candidatos" labelPosition="left" />
      {candidates.isPending && <PageLoader />}
      {candidates.isError && (
        <ProblemAlert error={candidates.error} title="Não foi possível carregar os candidatos" />
      )}
      {candidates.data && (
        <Stack gap="sm">
          {decision && (
            <Text
              size="sm"
              c={`${decision.color}.9`}
              data-testid="reconcile-decision"
              data-decision={candidates.data.decision}
            >
              {decision.text}
            </Text>
          )}
          {candidates.data.candidates.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="reconcile-no-candidates">
              Nenhum título em aberto combina com este pagamento.
            </Text>
          ) : (
            candidates.data.candidates.map((candidate, index) => (
              <CandidateCard
                key={`${candidate.debtorId}-${candidate.receivableIds.join(',')}`}
                candidate={candidate}
                rank={index + 1}
                canDecide={decidable}
                pending={pendingDebtorId === candidate.debtorId}
                onConfirm={(c) => confirmTo(c.debtorId, c.debtorName, c.receivableIds)}
              />
            ))
          )}
        </Stack>
      )}

      <Divider label="Outro devedor" labelPosition="left" />
      <OtherDebtor
        canDecide={decidable}
        pendingDebtorId={pendingDebtorId}
        onConfirm={(debtorId, name) => confirmTo(debtorId, name)}
      />

      {decidable && (
        <>
          <Divider label="Não é de devedor" labelPosition="left" />
          <RejectForm
            pending={reject.isPending}
            onReject={(reason) => {
              if (busy) return;
              confirm.reset();
              reject.mutate(reason);
            }}
          />
        </>
      )}
    </Stack>
  );
}

/** The side panel where a person reconciles one waiting payment. */
export function ReconcilePanel({
  payment,
  onClose,
  onDecided,
}: {
  payment: Payment | null;
  onClose: () => void;
  onDecided: (outcome: ReconcileOutcome) => void;
}) {
  return (
    <Drawer
      opened={payment !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title="Conciliar pagamento"
    >
      {payment && <PanelContent key={payment.id} payment={payment} onDecided={onDecided} />}
    </Drawer>
  );
}
