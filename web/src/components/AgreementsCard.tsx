import {
  Anchor,
  Badge,
  Button,
  CopyButton,
  Group,
  Modal,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { downloads, endpoints, keys } from '../api/endpoints.ts';
import type { Agreement, AgreementInstallment } from '../api/types.ts';
import { formatCents, formatDate, formatDateTime, plural } from '../lib/format.ts';
import {
  actorLabel,
  agreementStatusColor,
  agreementStatusLabel,
  receivableStatusColor,
  receivableStatusLabel,
} from '../lib/labels.ts';
import { canCancelAgreements, useSession } from '../session.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const OPEN_STATUSES = new Set(['open', 'partially_paid']);

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} data-testid={testId} style={{ whiteSpace: 'nowrap' }}>
        {value}
      </Text>
    </div>
  );
}

function PaymentRow({ agreement, installment }: { agreement: Agreement; installment: AgreementInstallment }) {
  const open = OPEN_STATUSES.has(installment.status) && agreement.status === 'active';
  return (
    <Table.Tr data-testid="agreement-installment" data-status={installment.status}>
      <Table.Td>{installment.number}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(installment.dueDate)}</Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
        {formatCents(installment.amountCents)}
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
        {formatCents(installment.openCents)}
      </Table.Td>
      <Table.Td>
        <Badge
          variant="light"
          color={receivableStatusColor(installment.status)}
          style={{ whiteSpace: 'nowrap' }}
          data-testid="agreement-installment-status"
        >
          {receivableStatusLabel(installment.status)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          {open && installment.pixCopiaECola && (
            <CopyButton value={installment.pixCopiaECola}>
              {({ copied, copy }) => (
                <Button
                  size="compact-xs"
                  variant={copied ? 'filled' : 'light'}
                  color={copied ? 'teal' : 'blue'}
                  onClick={copy}
                  aria-label={`Copiar Pix do pagamento ${installment.number}`}
                  data-testid="agreement-installment-pix"
                >
                  {copied ? 'Copiado' : 'Copiar Pix'}
                </Button>
              )}
            </CopyButton>
          )}
          {installment.nossoNumero && (
            <Anchor
              size="xs"
              href={downloads.agreementBoleto(agreement.id, installment.number)}
              target="_blank"
              rel="noopener"
              data-testid="agreement-installment-boleto"
            >
              Boleto (PDF)
            </Anchor>
          )}
        </Group>
        {open && installment.boletoLine && (
          <Text size="xs" ff="monospace" c="dimmed" mt={2} style={{ wordBreak: 'break-all' }}>
            {installment.boletoLine}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function CancelModal({
  agreement,
  opened,
  onClose,
}: {
  agreement: Agreement;
  opened: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const cancel = useMutation({
    mutationFn: (text: string) => endpoints.cancelAgreement(agreement.id, text),
    onSuccess: async () => {
      onClose();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.agreements(agreement.debtorId) }),
        queryClient.invalidateQueries({ queryKey: keys.chargesAll(agreement.debtorId) }),
        queryClient.invalidateQueries({ queryKey: keys.offersAll }),
        queryClient.invalidateQueries({ queryKey: keys.debtor(agreement.debtorId) }),
        queryClient.invalidateQueries({ queryKey: ['receivables'] }),
        queryClient.invalidateQueries({ queryKey: keys.holds(agreement.debtorId) }),
      ]);
    },
  });
  const short = reason.trim().length < 3;
  return (
    <Modal opened={opened} onClose={onClose} title={`Cancelar o acordo nº ${agreement.id}`} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTried(true);
          if (!short) cancel.mutate(reason.trim());
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            Os pagamentos ainda não feitos são cancelados e os títulos originais voltam para a cobrança,
            descontado o que já foi pago. Não dá para desfazer.
          </Text>
          <Textarea
            label="Motivo do cancelamento"
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={tried && short ? 'Explique o motivo (pelo menos 3 letras).' : undefined}
            maxLength={500}
            autosize
            minRows={2}
            data-autofocus
            data-testid="agreement-cancel-reason"
          />
          {cancel.isError && <ProblemAlert error={cancel.error} title="Não foi possível cancelar" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={cancel.isPending}>
              Voltar
            </Button>
            <Button
              type="submit"
              color="red"
              loading={cancel.isPending}
              data-testid="agreement-cancel-confirm"
            >
              Cancelar acordo
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AgreementPanel({ agreement }: { agreement: Agreement }) {
  const session = useSession();
  const [cancelling, setCancelling] = useState(false);
  const tz = session.organization.timeZone;
  const paidShare = agreement.totalCents > 0 ? (agreement.paidCents / agreement.totalCents) * 100 : 0;
  const ended = agreement.status !== 'active';
  return (
    <Paper withBorder p="sm" data-testid="agreement" data-status={agreement.status} data-id={agreement.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Group gap="xs">
              <Text fw={600}>Acordo nº {agreement.id}</Text>
              <Badge
                variant={agreement.status === 'active' ? 'filled' : 'light'}
                color={agreementStatusColor(agreement.status)}
                data-testid="agreement-status"
              >
                {agreementStatusLabel(agreement.status)}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              Fechado em {formatDateTime(agreement.createdAt, tz)} por{' '}
              {actorLabel(agreement.createdBy, session.user)} · cálculo de {formatDate(agreement.asOf)} ·
              tolerância de {plural(agreement.toleranceDays, 'dia', 'dias')}
            </Text>
          </Stack>
          {!ended && canCancelAgreements(session) && (
            <Button
              size="xs"
              variant="light"
              color="red"
              onClick={() => setCancelling(true)}
              data-testid="agreement-cancel"
            >
              Cancelar acordo
            </Button>
          )}
        </Group>

        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <Figure
            label="Total do acordo"
            value={formatCents(agreement.totalCents)}
            testId="agreement-total"
          />
          <Figure label="Pago" value={formatCents(agreement.paidCents)} testId="agreement-paid" />
          <Figure label="Dívida atualizada" value={formatCents(agreement.updatedCents)} />
          <Figure label="Desconto" value={formatCents(agreement.discountCents)} />
        </SimpleGrid>
        <Progress
          value={paidShare}
          color={agreementStatusColor(agreement.status)}
          aria-label={`Pago ${Math.round(paidShare)}% do acordo`}
        />

        {agreement.endReason && (
          <Text size="sm" data-testid="agreement-end-reason">
            <strong>{agreementStatusLabel(agreement.status)}</strong>
            {agreement.endedAt ? ` em ${formatDateTime(agreement.endedAt, tz)}` : ''}: {agreement.endReason}
          </Text>
        )}

        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4} fz="sm" data-testid="agreement-installments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Pagamento</Table.Th>
                <Table.Th>Vencimento</Table.Th>
                <Table.Th ta="right">Valor</Table.Th>
                <Table.Th ta="right">Em aberto</Table.Th>
                <Table.Th>Situação</Table.Th>
                <Table.Th>Pagar</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {agreement.installments.map((installment) => (
                <PaymentRow key={installment.number} agreement={agreement} installment={installment} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>

        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            Títulos renegociados
          </Text>
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing={2} fz="sm" data-testid="agreement-originals">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Título</Table.Th>
                  <Table.Th ta="right">Saldo antes</Table.Th>
                  <Table.Th ta="right">Atualizado</Table.Th>
                  <Table.Th ta="right">Devolvido</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {agreement.originals.map((original) => (
                  <Table.Tr key={original.receivableId} data-testid="agreement-original">
                    <Table.Td>{original.externalId}</Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatCents(original.openCentsBefore)}
                    </Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatCents(original.updatedCents)}
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      style={{ whiteSpace: 'nowrap' }}
                      data-testid="agreement-original-returned"
                    >
                      {original.returnedCents === null ? '—' : formatCents(original.returnedCents)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed" mt={4}>
            “Devolvido” é o saldo que voltou ao título quando o acordo foi quebrado ou cancelado.
          </Text>
        </div>

        {agreement.explanation.length > 0 && (
          <Stack gap={2} data-testid="agreement-explanation">
            {agreement.explanation.map((line) => (
              <Text size="xs" c="dimmed" key={line}>
                {line}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
      {!ended && (
        <CancelModal agreement={agreement} opened={cancelling} onClose={() => setCancelling(false)} />
      )}
    </Paper>
  );
}

/** "Acordos": the debtor's agreements, newest first, with each payment's Pix and boleto. */
export function AgreementsCard({ debtorId }: { debtorId: number }) {
  const agreements = useQuery({
    queryKey: keys.agreements(debtorId),
    queryFn: () => endpoints.listAgreements(debtorId),
  });
  return (
    <Paper withBorder p="md" data-testid="agreements-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Acordos
      </Text>
      {agreements.isPending && <PageLoader />}
      {agreements.isError && (
        <ProblemAlert error={agreements.error} title="Não foi possível carregar os acordos" />
      )}
      {agreements.data && agreements.data.items.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="agreements-empty">
          Nenhum acordo com este devedor.
        </Text>
      )}
      {agreements.data && agreements.data.items.length > 0 && (
        <Stack gap="sm">
          {agreements.data.items.map((agreement) => (
            <AgreementPanel key={agreement.id} agreement={agreement} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}
