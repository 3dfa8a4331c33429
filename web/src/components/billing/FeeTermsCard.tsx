import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import {
  type AppliedFeeTerms,
  billing,
  billingKeys,
  type CreditorFeeTerms,
  type FeeTier,
} from '../../api/billing.ts';
import {
  basisPointsToPercent,
  isMonth,
  monthLabel,
  percentToBasisPoints,
  shiftMonth,
  tierLabel,
} from '../../lib/billing.ts';
import { formatBasisPoints, formatCents, formatDateTime } from '../../lib/format.ts';
import { canManageBilling, useSession } from '../../session.tsx';
import { IntInput } from '../IntInput.tsx';
import { MoneyInput } from '../MoneyInput.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

/** The success fee of a set of terms, in words. */
export function successFeeText(terms: Pick<AppliedFeeTerms, 'successFeeBasisPoints' | 'tiers'>): string {
  if (terms.tiers.length === 0) return formatBasisPoints(terms.successFeeBasisPoints ?? 0);
  return terms.tiers.map((t) => `${tierLabel(t)}: ${formatBasisPoints(t.basisPoints)}`).join(' · ');
}

type TierRow = { fromDays: number | undefined; toDays: number | undefined; rate: string };

function TermsForm({ creditorId, terms }: { creditorId: number; terms: CreditorFeeTerms }) {
  const queryClient = useQueryClient();
  const firstFree = terms.lastIssuedMonth ? shiftMonth(terms.lastIssuedMonth, 1) : terms.currentMonth;
  const [month, setMonth] = useState(firstFree > terms.currentMonth ? firstFree : terms.currentMonth);
  const [fee, setFee] = useState<number | undefined>(terms.current.monthlyFeeCents);
  const [mode, setMode] = useState<'single' | 'tiers'>(terms.current.tiers.length > 0 ? 'tiers' : 'single');
  const [rate, setRate] = useState(basisPointsToPercent(terms.current.successFeeBasisPoints ?? 0));
  const [tiers, setTiers] = useState<TierRow[]>(
    terms.current.tiers.length > 0
      ? terms.current.tiers.map((t) => ({
          fromDays: t.fromDays,
          toDays: t.toDays ?? undefined,
          rate: basisPointsToPercent(t.basisPoints),
        }))
      : [
          { fromDays: 1, toDays: 30, rate: '' },
          { fromDays: 31, toDays: 90, rate: '' },
          { fromDays: 91, toDays: undefined, rate: '' },
        ],
  );
  const [local, setLocal] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (input: Parameters<typeof billing.setTerms>[1]) => billing.setTerms(creditorId, input),
    onSuccess: (next) => {
      queryClient.setQueryData(billingKeys.terms(creditorId), next);
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
      setSaved(true);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const problems: string[] = [];
    if (!isMonth(month)) problems.push('Informe o mês de início no formato AAAA-MM.');
    if (fee === undefined) problems.push('Informe a mensalidade (pode ser R$ 0,00).');
    const parsedTiers: FeeTier[] = [];
    let single: number | null = null;
    if (mode === 'single') {
      single = percentToBasisPoints(rate);
      if (single === null) problems.push('Taxa de êxito: use um percentual como 12 ou 12,5 (de 0 a 100).');
    } else {
      tiers.forEach((t, index) => {
        const bp = percentToBasisPoints(t.rate);
        if (bp === null || t.fromDays === undefined)
          problems.push(`Faixa ${index + 1}: informe o início e a taxa (um percentual de 0 a 100).`);
        else parsedTiers.push({ fromDays: t.fromDays, toDays: t.toDays ?? null, basisPoints: bp });
      });
    }
    setLocal(problems);
    if (problems.length > 0 || fee === undefined) return;
    // The server checks the tiers (contiguous, no overlap, the last without end) and says what is wrong.
    save.mutate({
      effectiveMonth: month,
      monthlyFeeCents: fee,
      successFeeBasisPoints: single,
      tiers: parsedTiers,
    });
  };

  const setTier = (index: number, patch: Partial<TierRow>) =>
    setTiers((rows) => rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <form onSubmit={submit} data-testid="fee-terms-form">
      <Stack gap="sm">
        <Text size="sm" fw={600}>
          Novas condições
        </Text>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <TextInput
            label="Vigência a partir de (AAAA-MM)"
            description={
              terms.lastIssuedMonth
                ? `Há fatura emitida até ${monthLabel(terms.lastIssuedMonth)}: só meses seguintes.`
                : 'As condições valem deste mês em diante.'
            }
            value={month}
            onChange={(event) => setMonth(event.currentTarget.value.trim())}
            data-testid="fee-terms-month"
          />
          <MoneyInput
            label="Mensalidade"
            description="Valor fixo cobrado todo mês."
            value={fee}
            onChange={setFee}
            data-testid="fee-terms-monthly"
          />
          <Radio.Group
            label="Taxa de êxito"
            description="Sobre o valor recuperado (títulos vencidos pagos no mês)."
            value={mode}
            onChange={(value) => setMode(value === 'tiers' ? 'tiers' : 'single')}
          >
            <Group mt="xs">
              <Radio value="single" label="Taxa única" data-testid="fee-terms-mode-single" />
              <Radio value="tiers" label="Por dias de atraso" data-testid="fee-terms-mode-tiers" />
            </Group>
          </Radio.Group>
        </SimpleGrid>
        {mode === 'single' ? (
          <TextInput
            label="Taxa de êxito (%)"
            inputMode="decimal"
            maw={240}
            value={rate}
            onChange={(event) => setRate(event.currentTarget.value)}
            data-testid="fee-terms-rate"
          />
        ) : (
          <Stack gap={6} data-testid="fee-terms-tiers">
            <Text size="xs" c="dimmed">
              O atraso é contado do vencimento até a data do pagamento (em acordos, do vencimento mais antigo
              dos títulos renegociados). Faixas contínuas a partir de 1 dia; a última fica sem fim.
            </Text>
            {tiers.map((tier, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
              <Group key={index} gap="xs" align="flex-end" wrap="nowrap">
                <IntInput
                  label={index === 0 ? 'De (dias)' : undefined}
                  aria-label={`Faixa ${index + 1}: de`}
                  w={110}
                  min={1}
                  value={tier.fromDays}
                  onChange={(value) => setTier(index, { fromDays: value })}
                  optional
                />
                <IntInput
                  label={index === 0 ? 'Até (vazio = ou mais)' : undefined}
                  aria-label={`Faixa ${index + 1}: até`}
                  w={160}
                  min={1}
                  value={tier.toDays}
                  onChange={(value) => setTier(index, { toDays: value })}
                  optional
                />
                <TextInput
                  label={index === 0 ? 'Taxa (%)' : undefined}
                  aria-label={`Faixa ${index + 1}: taxa`}
                  w={110}
                  inputMode="decimal"
                  value={tier.rate}
                  onChange={(event) => setTier(index, { rate: event.currentTarget.value })}
                  data-testid={`fee-tier-rate-${index}`}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remover faixa ${index + 1}`}
                  onClick={() => setTiers((rows) => rows.filter((_, i) => i !== index))}
                  disabled={tiers.length === 1}
                  mb={4}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="subtle"
                size="xs"
                onClick={() =>
                  setTiers((rows) => {
                    const last = rows[rows.length - 1];
                    const from = last?.toDays !== undefined ? last.toDays + 1 : undefined;
                    return [...rows, { fromDays: from, toDays: undefined, rate: '' }];
                  })
                }
              >
                Adicionar faixa
              </Button>
            </Group>
          </Stack>
        )}
        {local.length > 0 && (
          <Alert color="red" variant="light" data-testid="fee-terms-local-problems">
            {local.map((p) => (
              <Text size="sm" key={p}>
                {p}
              </Text>
            ))}
          </Alert>
        )}
        {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar as condições" />}
        {saved && (
          <Alert color="green" variant="light" data-testid="fee-terms-saved">
            Condições salvas: valem a partir de {monthLabel(month)}. As anteriores ficam no histórico.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} data-testid="fee-terms-save">
            Salvar condições de honorários
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Honorários": the creditor's fee terms (versions by month) and, for billing managers, a form. */
export function FeeTermsCard({ creditorId }: { creditorId: number }) {
  const session = useSession();
  const terms = useQuery({
    queryKey: billingKeys.terms(creditorId),
    queryFn: () => billing.getTerms(creditorId),
  });
  return (
    <Paper withBorder p="md" data-testid="fee-terms-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Honorários da assessoria
      </Text>
      {terms.isPending && <PageLoader />}
      {terms.isError && <ProblemAlert error={terms.error} title="Não foi possível carregar os honorários" />}
      {terms.data && (
        <Stack gap="sm">
          <Group gap="lg" data-testid="fee-terms-current">
            <Text size="sm">
              Mensalidade: <b>{formatCents(terms.data.current.monthlyFeeCents)}</b>
            </Text>
            <Text size="sm">
              Êxito: <b>{successFeeText(terms.data.current)}</b>
            </Text>
            <Badge variant="light" color={terms.data.current.source === 'version' ? 'blue' : 'gray'}>
              {terms.data.current.source === 'version' && terms.data.current.effectiveMonth
                ? `vigente desde ${monthLabel(terms.data.current.effectiveMonth)}`
                : 'do cadastro da carteira'}
            </Badge>
          </Group>
          {terms.data.versions.length > 0 && (
            <Table.ScrollContainer minWidth={560}>
              <Table striped data-testid="fee-terms-versions">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Vigência</Table.Th>
                    <Table.Th>Mensalidade</Table.Th>
                    <Table.Th>Êxito</Table.Th>
                    <Table.Th>Registrado</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {terms.data.versions.map((v) => (
                    <Table.Tr key={v.id}>
                      <Table.Td>{monthLabel(v.effectiveMonth)}</Table.Td>
                      <Table.Td>{formatCents(v.monthlyFeeCents)}</Table.Td>
                      <Table.Td>{successFeeText(v)}</Table.Td>
                      <Table.Td>
                        {formatDateTime(v.createdAt)} · {v.createdBy}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {canManageBilling(session) ? (
            <TermsForm creditorId={creditorId} terms={terms.data} />
          ) : (
            <Text size="xs" c="dimmed">
              Apenas gestores e administradores alteram os honorários.
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}
