import {
  ActionIcon,
  Alert,
  Button,
  Divider,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { endpoints, keys } from '../api/endpoints.ts';
import type { DiscountBucket, NegotiationPolicy } from '../api/types.ts';
import { canWriteTerms, useSession } from '../session.tsx';
import { IntInput } from './IntInput.tsx';
import { MoneyInput } from './MoneyInput.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const PERCENT_RE = /^\d{1,3}([.,]\d{1,4})?$/;
const MAX_OPTIONS = 3;
/** The server's default when a policy does not set the tolerance, and its bounds. */
const DEFAULT_BREAK_TOLERANCE_DAYS = 10;
const MAX_BREAK_TOLERANCE_DAYS = 90;

/** '1.99' → '1,99' (how people here write decimals). */
function toBr(value: string): string {
  return value.replace('.', ',');
}

/** '1,99' → '1.99' (what the server stores). */
function fromBr(value: string): string {
  return value.trim().replace(',', '.');
}

function percentError(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'Informe o percentual.';
  if (!PERCENT_RE.test(text) || Number(fromBr(text)) > 100) return 'Use um percentual como 10 ou 1,99.';
  return undefined;
}

/** "3, 6, 12" → [3, 6, 12], or a pt-BR message. */
function parseOptions(text: string): number[] | string {
  const parts = text
    .split(/[,;\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length > MAX_OPTIONS) return `No máximo ${MAX_OPTIONS} opções.`;
  const numbers = parts.map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 2 || n > 120))
    return 'Cada opção é um número de pagamentos de 2 a 120 (com a entrada).';
  return numbers;
}

interface BucketRow {
  rowId: number;
  maxDaysLate: number | undefined;
  percent: string;
  appliesTo: DiscountBucket['appliesTo'];
}

interface FormState {
  buckets: BucketRow[];
  maxInstallments: number | undefined;
  minInstallmentCents: number | undefined;
  downPayment: string;
  rate: string;
  options: string;
  firstDueInDays: number | undefined;
  breakToleranceDays: number | undefined;
}

let nextRowId = 1;

function toForm(policy: NegotiationPolicy): FormState {
  return {
    buckets: policy.discountByDaysLate.map((bucket) => ({
      rowId: nextRowId++,
      maxDaysLate: bucket.maxDaysLate,
      percent: toBr(bucket.maxDiscountPercent),
      appliesTo: bucket.appliesTo,
    })),
    maxInstallments: policy.maxInstallments,
    minInstallmentCents: policy.minInstallmentCents,
    downPayment: toBr(policy.downPaymentPercent),
    rate: toBr(policy.installmentMonthlyRatePercent),
    options: policy.installmentOptions.join(', '),
    firstDueInDays: policy.firstDueInDays,
    breakToleranceDays: policy.breakToleranceDays ?? DEFAULT_BREAK_TOLERANCE_DAYS,
  };
}

function PolicyForm({
  creditorId,
  policy,
  canWrite,
}: {
  creditorId: number;
  policy: NegotiationPolicy;
  canWrite: boolean;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => toForm(policy));
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setSaved(false);
    setForm((current) => ({ ...current, [key]: value }));
  };
  const setBucket = (rowId: number, patch: Partial<BucketRow>) =>
    set(
      'buckets',
      form.buckets.map((row) => (row.rowId === rowId ? { ...row, ...patch } : row)),
    );

  const save = useMutation({
    mutationFn: (next: NegotiationPolicy) => endpoints.setNegotiationPolicy(creditorId, next),
    onSuccess: (stored) => {
      queryClient.setQueryData(keys.policy(creditorId), stored);
      // The offers of this creditor's debtors follow the policy.
      void queryClient.invalidateQueries({ queryKey: keys.offersAll });
      setForm(toForm(stored));
      setTried(false);
      setSaved(true);
    },
  });

  const options = parseOptions(form.options);
  const errors = {
    downPayment: tried ? percentError(form.downPayment) : undefined,
    rate: tried ? percentError(form.rate) : undefined,
    options: tried && typeof options === 'string' ? options : undefined,
    maxInstallments: tried && form.maxInstallments === undefined ? 'Informe o número.' : undefined,
    minInstallment: tried && !form.minInstallmentCents ? 'Informe o valor.' : undefined,
    firstDue: tried && form.firstDueInDays === undefined ? 'Informe os dias.' : undefined,
    tolerance:
      tried && form.breakToleranceDays === undefined
        ? `Informe os dias (0 a ${MAX_BREAK_TOLERANCE_DAYS}).`
        : undefined,
  };
  const bucketError = (row: BucketRow) => ({
    days: tried && row.maxDaysLate === undefined ? 'Informe os dias.' : undefined,
    percent: tried ? percentError(row.percent) : undefined,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const bad =
      percentError(form.downPayment) ||
      percentError(form.rate) ||
      typeof options === 'string' ||
      form.maxInstallments === undefined ||
      !form.minInstallmentCents ||
      form.firstDueInDays === undefined ||
      form.breakToleranceDays === undefined ||
      form.buckets.some((row) => row.maxDaysLate === undefined || percentError(row.percent));
    if (bad || typeof options === 'string') return;
    save.mutate({
      discountByDaysLate: form.buckets.map((row) => ({
        maxDaysLate: row.maxDaysLate ?? 0,
        maxDiscountPercent: fromBr(row.percent),
        appliesTo: row.appliesTo,
      })),
      maxInstallments: form.maxInstallments ?? 1,
      minInstallmentCents: form.minInstallmentCents ?? 1,
      downPaymentPercent: fromBr(form.downPayment),
      installmentMonthlyRatePercent: fromBr(form.rate),
      installmentOptions: options,
      firstDueInDays: form.firstDueInDays ?? 0,
      breakToleranceDays: form.breakToleranceDays ?? DEFAULT_BREAK_TOLERANCE_DAYS,
    });
  };

  const disabled = !canWrite || save.isPending;
  return (
    <form onSubmit={submit} data-testid="policy-form">
      <Stack gap="sm">
        <Divider label="Desconto à vista por atraso" labelPosition="left" />
        <Text size="sm" c="dimmed">
          A faixa é a do título mais atrasado do devedor (a última vale também para atrasos maiores); o
          desconto incide sobre os encargos (multa, juros e correção) ou sobre o total.
        </Text>
        {form.buckets.map((row) => {
          const rowErrors = bucketError(row);
          return (
            <Group key={row.rowId} gap="xs" align="flex-start" wrap="nowrap" data-testid="policy-bucket">
              <Text size="sm" mt={6} w={40}>
                até
              </Text>
              <IntInput
                aria-label="Dias de atraso"
                w={100}
                min={0}
                value={row.maxDaysLate}
                onChange={(value) => setBucket(row.rowId, { maxDaysLate: value })}
                optional
                error={rowErrors.days}
                disabled={disabled}
                data-testid="policy-bucket-days"
              />
              <Text size="sm" mt={6} style={{ whiteSpace: 'nowrap' }}>
                dias de atraso → desconto máximo de
              </Text>
              <TextInput
                aria-label="Desconto máximo (%)"
                w={90}
                inputMode="decimal"
                rightSection="%"
                value={row.percent}
                onChange={(event) => setBucket(row.rowId, { percent: event.currentTarget.value })}
                error={rowErrors.percent}
                disabled={disabled}
                data-testid="policy-bucket-percent"
              />
              <Text size="sm" mt={6}>
                sobre
              </Text>
              <Select
                aria-label="Sobre"
                w={130}
                data={[
                  { value: 'charges', label: 'encargos' },
                  { value: 'total', label: 'total' },
                ]}
                value={row.appliesTo}
                onChange={(value) =>
                  setBucket(row.rowId, { appliesTo: value === 'total' ? 'total' : 'charges' })
                }
                allowDeselect={false}
                disabled={disabled}
                data-testid="policy-bucket-applies"
              />
              {canWrite && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={4}
                  aria-label="Remover faixa"
                  onClick={() =>
                    set(
                      'buckets',
                      form.buckets.filter((other) => other.rowId !== row.rowId),
                    )
                  }
                  disabled={disabled}
                  data-testid="policy-bucket-remove"
                >
                  ×
                </ActionIcon>
              )}
            </Group>
          );
        })}
        {form.buckets.length === 0 && (
          <Text size="sm" c="dimmed">
            Sem faixas: nenhum desconto à vista.
          </Text>
        )}
        {canWrite && (
          <Group>
            <Button
              variant="light"
              size="xs"
              disabled={disabled}
              onClick={() =>
                set('buckets', [
                  ...form.buckets,
                  { rowId: nextRowId++, maxDaysLate: undefined, percent: '', appliesTo: 'charges' },
                ])
              }
              data-testid="policy-bucket-add"
            >
              Adicionar faixa
            </Button>
          </Group>
        )}

        <Divider label="Parcelamento" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <TextInput
            label="Opções de parcelamento"
            description={`Até ${MAX_OPTIONS} números de pagamentos, com a entrada (ex.: 3, 6, 12).`}
            value={form.options}
            onChange={(event) => set('options', event.currentTarget.value)}
            error={errors.options}
            disabled={disabled}
            data-testid="policy-options"
          />
          <IntInput
            label="Número máximo de pagamentos"
            description="Com a entrada."
            min={1}
            max={120}
            value={form.maxInstallments}
            onChange={(value) => set('maxInstallments', value)}
            optional
            error={errors.maxInstallments}
            disabled={disabled}
            data-testid="policy-max-installments"
          />
          <MoneyInput
            label="Parcela mínima"
            description="Opções com parcelas menores não são oferecidas."
            value={form.minInstallmentCents}
            onChange={(value) => set('minInstallmentCents', value)}
            error={errors.minInstallment}
            disabled={disabled}
            data-testid="policy-min-installment"
          />
          <TextInput
            label="Entrada mínima (%)"
            description="Do valor atualizado."
            inputMode="decimal"
            value={form.downPayment}
            onChange={(event) => set('downPayment', event.currentTarget.value)}
            error={errors.downPayment}
            disabled={disabled}
            data-testid="policy-down-payment"
          />
          <TextInput
            label="Juros do parcelamento (% a.m.)"
            description="Tabela Price sobre o saldo após a entrada."
            inputMode="decimal"
            value={form.rate}
            onChange={(event) => set('rate', event.currentTarget.value)}
            error={errors.rate}
            disabled={disabled}
            data-testid="policy-rate"
          />
          <IntInput
            label="Dias até o primeiro vencimento"
            description="Contados da data do cálculo."
            min={0}
            max={365}
            value={form.firstDueInDays}
            onChange={(value) => set('firstDueInDays', value)}
            optional
            error={errors.firstDue}
            disabled={disabled}
            data-testid="policy-first-due"
          />
        </SimpleGrid>

        <Divider label="Acordos" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <IntInput
            label="Tolerância de atraso antes de quebrar o acordo (dias)"
            description="Um pagamento do acordo atrasado além disso quebra o acordo: os títulos voltam à cobrança."
            min={0}
            max={MAX_BREAK_TOLERANCE_DAYS}
            value={form.breakToleranceDays}
            onChange={(value) => set('breakToleranceDays', value)}
            optional
            error={errors.tolerance}
            disabled={disabled}
            data-testid="policy-break-tolerance"
          />
        </SimpleGrid>

        {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar a política" />}
        {saved && (
          <Alert color="green" variant="light" data-testid="policy-saved">
            Política salva. As propostas dos devedores desta carteira já seguem a nova política.
          </Alert>
        )}
        {canWrite ? (
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="policy-save">
              Salvar política
            </Button>
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            Apenas gestores e administradores alteram a política de negociação.
          </Text>
        )}
      </Stack>
    </form>
  );
}

/** "Política de negociação": the discounts and installment plans the creditor allows. */
export function NegotiationPolicyCard({ creditorId }: { creditorId: number }) {
  const session = useSession();
  const policy = useQuery({
    queryKey: keys.policy(creditorId),
    queryFn: () => endpoints.getNegotiationPolicy(creditorId),
  });
  return (
    <Paper withBorder p="md" data-testid="policy-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Política de negociação
      </Text>
      {policy.isPending && <PageLoader />}
      {policy.isError && <ProblemAlert error={policy.error} title="Não foi possível carregar a política" />}
      {policy.data && (
        <PolicyForm creditorId={creditorId} policy={policy.data} canWrite={canWriteTerms(session)} />
      )}
    </Paper>
  );
}
