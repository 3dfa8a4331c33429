import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { type BillingIssuer, billing, billingKeys, type FeeStatement } from '../api/billing.ts';
import { saveFile } from '../api/client.ts';
import { successFeeText } from '../components/billing/FeeTermsCard.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import {
  exactCentsLabel,
  isMonth,
  monthLabel,
  monthsUpTo,
  STATE_LABELS,
  shiftMonth,
} from '../lib/billing.ts';
import {
  formatBasisPoints,
  formatCents,
  formatCnpj,
  formatDate,
  formatDateTime,
  formatDocument,
  formatInteger,
} from '../lib/format.ts';
import { parseId } from '../lib/params.ts';
import { canManageBilling, useSession } from '../session.tsx';

function IssuerCard() {
  const session = useSession();
  const queryClient = useQueryClient();
  const issuer = useQuery({ queryKey: billingKeys.issuer, queryFn: billing.getIssuer });
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<BillingIssuer>({ legalName: '', cnpj: '', address: null });
  const save = useMutation({
    mutationFn: billing.setIssuer,
    onSuccess: (next) => {
      queryClient.setQueryData(billingKeys.issuer, next);
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
      setEditing(false);
    },
  });
  const canEdit = canManageBilling(session);
  const current = issuer.data?.issuer ?? null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ ...form, address: form.address?.trim() || null });
  };
  return (
    <Paper withBorder p="md" data-testid="issuer-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Emitente das faturas
      </Text>
      {issuer.isPending && <PageLoader />}
      {issuer.isError && <ProblemAlert error={issuer.error} />}
      {issuer.isSuccess && !editing && (
        <Group justify="space-between">
          {current ? (
            <Text size="sm" data-testid="issuer-current">
              {current.legalName} · CNPJ {formatCnpj(current.cnpj)}
              {current.address ? ` · ${current.address}` : ''}
            </Text>
          ) : (
            <Text size="sm" c="orange.8" data-testid="issuer-missing">
              Dados do emissor não informados: as faturas não podem ser emitidas sem a razão social e o CNPJ
              da assessoria.
            </Text>
          )}
          {canEdit && (
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                setForm(current ?? { legalName: '', cnpj: '', address: null });
                setEditing(true);
              }}
              data-testid="issuer-edit"
            >
              {current ? 'Alterar' : 'Informar'}
            </Button>
          )}
        </Group>
      )}
      {editing && (
        <form onSubmit={submit}>
          <Stack gap="xs">
            <SimpleGrid cols={{ base: 1, md: 3 }}>
              <TextInput
                label="Razão social"
                value={form.legalName}
                onChange={(e) => setForm({ ...form, legalName: e.currentTarget.value })}
                data-testid="issuer-name"
              />
              <TextInput
                label="CNPJ"
                value={form.cnpj}
                onChange={(e) => setForm({ ...form, cnpj: e.currentTarget.value })}
                data-testid="issuer-cnpj"
              />
              <TextInput
                label="Endereço (opcional)"
                value={form.address ?? ''}
                onChange={(e) => setForm({ ...form, address: e.currentTarget.value })}
              />
            </SimpleGrid>
            {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar o emitente" />}
            <Group>
              <Button type="submit" size="xs" loading={save.isPending} data-testid="issuer-save">
                Salvar emitente
              </Button>
              <Button size="xs" variant="subtle" onClick={() => setEditing(false)}>
                Cancelar
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Paper>
  );
}

function Downloads({ statement }: { statement: FeeStatement }) {
  const download = useMutation({
    mutationFn: (kind: 'pdf' | 'csv') => billing.download(statement.creditor.id, statement.month, kind),
    onSuccess: saveFile,
  });
  return (
    <Group gap="xs">
      <Button
        variant="light"
        size="xs"
        onClick={() => download.mutate('pdf')}
        loading={download.isPending && download.variables === 'pdf'}
        data-testid="statement-pdf"
      >
        Baixar PDF
      </Button>
      <Button
        variant="light"
        size="xs"
        onClick={() => download.mutate('csv')}
        loading={download.isPending && download.variables === 'csv'}
        data-testid="statement-csv"
      >
        Baixar CSV
      </Button>
      {download.isError && <ProblemAlert error={download.error} title="Não foi possível baixar" />}
    </Group>
  );
}

function StatementDetail({ creditorId, month }: { creditorId: number; month: string }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const statement = useQuery({
    queryKey: billingKeys.statement(creditorId, month),
    queryFn: () => billing.getStatement(creditorId, month),
  });
  const issued = useQuery({
    queryKey: billingKeys.issued(creditorId),
    queryFn: () => billing.listIssued(creditorId),
  });
  const issue = useMutation({
    mutationFn: () => billing.issue(creditorId, month),
    onSuccess: (next) => {
      queryClient.setQueryData(billingKeys.statement(creditorId, month), next);
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
    },
  });
  if (statement.isPending) return <PageLoader />;
  if (statement.isError) return <ProblemAlert error={statement.error} />;
  const s = statement.data;
  const state = STATE_LABELS[s.state];
  return (
    <Paper withBorder p="md" data-testid="statement-detail">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={3} data-testid="statement-title">
              {s.state === 'issued' ? `Fatura nº ${s.number}` : 'Prévia da fatura'} · {monthLabel(s.month)}
            </Title>
            <Text size="sm">
              Credor: {s.creditor.legalName} · CNPJ {formatCnpj(s.creditor.cnpj)}
            </Text>
            <Text size="sm" c="dimmed">
              Emitente:{' '}
              {s.issuer ? `${s.issuer.legalName} · CNPJ ${formatCnpj(s.issuer.cnpj)}` : 'não informado'} ·
              Período {formatDate(s.period.from)} a {formatDate(s.period.to)}
            </Text>
            <Text size="sm" c="dimmed" data-testid="statement-terms">
              Condições{' '}
              {s.terms.source === 'version' && s.terms.effectiveMonth
                ? `vigentes desde ${monthLabel(s.terms.effectiveMonth)}`
                : 'do cadastro da carteira'}
              : mensalidade {formatCents(s.terms.monthlyFeeCents)}; êxito {successFeeText(s.terms)}
            </Text>
            {s.issuedAt && (
              <Text size="sm" c="dimmed">
                Emitida em {formatDateTime(s.issuedAt)} por {s.issuedBy}
              </Text>
            )}
          </Stack>
          <Stack gap="xs" align="flex-end">
            <Badge color={state.color} variant="light" data-testid="statement-state">
              {s.state === 'issued' ? `Emitida nº ${s.number}` : state.label}
            </Badge>
            <Downloads statement={s} />
            {canManageBilling(session) && s.state === 'closed' && (
              <Button onClick={() => issue.mutate()} loading={issue.isPending} data-testid="statement-issue">
                Emitir fatura
              </Button>
            )}
          </Stack>
        </Group>
        {s.partial && (
          <Alert color="yellow" variant="light" data-testid="statement-partial">
            {s.note}
          </Alert>
        )}
        {issue.isError && <ProblemAlert error={issue.error} title="Não foi possível emitir a fatura" />}

        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Figure
            label="Valor recuperado"
            value={formatCents(s.recoveredCents)}
            testId="statement-recovered"
          />
          <Figure
            label="Honorário de êxito"
            value={formatCents(s.successFeeCents)}
            hint={`exato: ${exactCentsLabel(s.successFeeExact)}`}
            testId="statement-success"
          />
          <Figure label="Mensalidade" value={formatCents(s.monthlyFeeCents)} testId="statement-monthly" />
          <Figure label="Total" value={formatCents(s.totalCents)} testId="statement-total" />
        </SimpleGrid>

        {s.lines.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="statement-empty">
            Nenhum valor recuperado no período
            {s.monthlyFeeCents > 0 ? ': a fatura traz só a mensalidade.' : '.'}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table striped highlightOnHover data-testid="statement-lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>Pagamento</Table.Th>
                  <Table.Th>Data</Table.Th>
                  <Table.Th>Devedor</Table.Th>
                  <Table.Th>Título</Table.Th>
                  <Table.Th>Vencido desde</Table.Th>
                  <Table.Th ta="right">Dias</Table.Th>
                  <Table.Th ta="right">Valor</Table.Th>
                  <Table.Th>Faixa</Table.Th>
                  <Table.Th ta="right">Taxa</Table.Th>
                  <Table.Th ta="right">Honorário</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.lines.map((l) => (
                  <Table.Tr key={l.lineNo}>
                    <Table.Td>{l.lineNo}</Table.Td>
                    <Table.Td>{l.paymentId}</Table.Td>
                    <Table.Td>
                      {formatDate(l.paidOn)}
                      {l.carriedOver && (
                        <Badge ml={4} size="xs" variant="light" color="grape" title="Pago em mês já faturado">
                          mês anterior
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/debtors/${l.debtorId}`} size="sm">
                        {l.debtorName}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {formatDocument(l.debtorDocument)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {l.receivable}
                      {l.agreementId !== null && (
                        <Text size="xs" c="dimmed">
                          acordo nº {l.agreementId}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDate(l.lateSince)}</Table.Td>
                    <Table.Td ta="right">{formatInteger(l.daysLate)}</Table.Td>
                    <Table.Td ta="right">{formatCents(l.cents)}</Table.Td>
                    <Table.Td>{l.rateLabel}</Table.Td>
                    <Table.Td ta="right">{formatBasisPoints(l.basisPoints)}</Table.Td>
                    <Table.Td ta="right" title={`exato: ${exactCentsLabel(l.feeExact)}`}>
                      {formatCents(l.feeCents)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Text size="xs" c="dimmed">
          Recuperado: pagamentos recebidos pela assessoria no mês e alocados a títulos deste credor vencidos
          na data do pagamento (em acordos, o atraso conta do vencimento mais antigo dos títulos
          renegociados). O honorário é arredondado uma vez, no total; cada linha recebe sua parte e as linhas
          somam o total.
        </Text>
        {issued.data && issued.data.items.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Faturas emitidas deste credor
            </Text>
            <Group gap="xs" data-testid="statement-issued-list">
              {issued.data.items.map((i) => (
                <Anchor
                  key={i.month}
                  component={Link}
                  to={`/faturamento?mes=${i.month}&credor=${creditorId}`}
                  size="sm"
                >
                  nº {i.number} · {monthLabel(i.month)} · {formatCents(i.totalCents)}
                </Anchor>
              ))}
            </Group>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={600}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

/** "Faturamento": the BPO's monthly fee statements, by month and creditor. */
export function BillingPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  // The org's "today" decides which months exist; the previous month is the first one ready to issue.
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: session.organization.timeZone,
    year: 'numeric',
    month: '2-digit',
  })
    .format(new Date())
    .slice(0, 7);
  const asked = params.get('mes') ?? '';
  const month = isMonth(asked) ? asked : shiftMonth(today, -1);
  const creditorId = parseId(params.get('credor') ?? undefined);
  const list = useQuery({ queryKey: billingKeys.month(month), queryFn: () => billing.listMonth(month) });
  const months = monthsUpTo(today, 24);
  const options = (months.includes(month) ? months : [month, ...months]).map((m) => ({
    value: m,
    label: m === today ? `${monthLabel(m)} (em andamento)` : monthLabel(m),
  }));
  const select = (next: { mes?: string; credor?: number | null }) => {
    const p = new URLSearchParams(params);
    if (next.mes) p.set('mes', next.mes);
    if (next.credor === null) p.delete('credor');
    else if (next.credor !== undefined) p.set('credor', String(next.credor));
    setParams(p);
  };

  return (
    <Stack>
      <title>Faturamento · Régua</title>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Faturamento</Title>
          <Text c="dimmed" size="sm">
            Faturas de honorários por credor e mês: mensalidade e taxa de êxito sobre o valor recuperado, com
            cada pagamento que as compõe.
          </Text>
        </Stack>
        <Select
          label="Mês"
          w={260}
          data={options}
          value={month}
          onChange={(value) => value && select({ mes: value })}
          allowDeselect={false}
          data-testid="billing-month"
        />
      </Group>

      <IssuerCard />

      {list.data?.note && (
        <Alert color="yellow" variant="light" data-testid="billing-month-note">
          {list.data.note}
        </Alert>
      )}
      {list.isPending && <PageLoader />}
      {list.isError && <ProblemAlert error={list.error} />}
      {list.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={860}>
            <Table striped highlightOnHover data-testid="billing-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Credor</Table.Th>
                  <Table.Th>Situação</Table.Th>
                  <Table.Th ta="right">Recuperado</Table.Th>
                  <Table.Th ta="right">Êxito</Table.Th>
                  <Table.Th ta="right">Mensalidade</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">Lançamentos</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text size="sm" c="dimmed">
                        Nenhuma carteira.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {list.data.items.map((item) => {
                  const state = STATE_LABELS[item.state];
                  return (
                    <Table.Tr
                      key={item.creditor.id}
                      data-testid={`billing-row-${item.creditor.id}`}
                      bg={item.creditor.id === creditorId ? 'blue.0' : undefined}
                    >
                      <Table.Td>{item.creditor.tradeName ?? item.creditor.legalName}</Table.Td>
                      <Table.Td>
                        <Badge color={state.color} variant="light">
                          {item.state === 'issued' ? `Emitida nº ${item.number}` : state.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">{formatCents(item.recoveredCents)}</Table.Td>
                      <Table.Td ta="right">{formatCents(item.successFeeCents)}</Table.Td>
                      <Table.Td ta="right">{formatCents(item.monthlyFeeCents)}</Table.Td>
                      <Table.Td ta="right" fw={600}>
                        {formatCents(item.totalCents)}
                      </Table.Td>
                      <Table.Td ta="right">{formatInteger(item.lineCount)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => select({ credor: item.creditor.id })}
                          data-testid={`billing-open-${item.creditor.id}`}
                        >
                          Ver fatura
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {creditorId !== null && (
        <StatementDetail key={`${creditorId}-${month}`} creditorId={creditorId} month={month} />
      )}
    </Stack>
  );
}
