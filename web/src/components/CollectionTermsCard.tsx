import {
  Alert,
  Button,
  Divider,
  Group,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { endpoints, keys } from '../api/endpoints.ts';
import type { CollectionTerms, CorrectionIndex } from '../api/types.ts';
import { canWriteTerms, useSession } from '../session.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** What the BR Code carries at most (Pix: merchant name 25, city 15 characters). */
const PIX_NAME_MAX = 25;
const PIX_CITY_MAX = 15;
const PERCENT_RE = /^\d{1,3}([.,]\d{1,4})?$/;

/** '0.033' → '0,033' (how people here write decimals). */
function toBr(value: string | null): string {
  return value === null ? '' : value.replace('.', ',');
}

/** '0,033' → '0.033' (what the server stores). */
function fromBr(value: string): string {
  return value.trim().replace(',', '.');
}

function percentError(value: string, touched: boolean): string | undefined {
  if (!touched) return undefined;
  const text = value.trim();
  if (text === '') return 'Informe o percentual.';
  if (!PERCENT_RE.test(text) || Number(fromBr(text)) > 100) return 'Use um percentual como 2 ou 0,033.';
  return undefined;
}

interface FormState {
  multa: string;
  jurosMode: 'agreed' | 'legal';
  juros: string;
  correction: CorrectionIndex;
  multaCap: string;
  pixKey: string;
  pixName: string;
  pixCity: string;
}

function toForm(terms: CollectionTerms): FormState {
  return {
    multa: toBr(terms.multaPercent),
    jurosMode: terms.jurosMonthlyPercent === null ? 'legal' : 'agreed',
    juros: toBr(terms.jurosMonthlyPercent),
    correction: terms.correction,
    multaCap: toBr(terms.multaCapPercentForCompanies),
    pixKey: terms.pixKey ?? '',
    pixName: terms.pixMerchantName ?? '',
    pixCity: terms.pixCity ?? '',
  };
}

function TermsForm({
  creditorId,
  terms,
  canWrite,
}: {
  creditorId: number;
  terms: CollectionTerms;
  canWrite: boolean;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => toForm(terms));
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setSaved(false);
    setForm((current) => ({ ...current, [key]: value }));
  };

  const save = useMutation({
    mutationFn: (next: CollectionTerms) => endpoints.setCollectionTerms(creditorId, next),
    onSuccess: (stored) => {
      queryClient.setQueryData(keys.terms(creditorId), stored);
      // Every updated value and Pix of this creditor's debtors changes with the terms.
      void queryClient.invalidateQueries({ queryKey: ['charges'] });
      void queryClient.invalidateQueries({ queryKey: keys.offersAll });
      setForm(toForm(stored));
      setTried(false);
      setSaved(true);
    },
  });

  const errors = {
    multa: percentError(form.multa, tried),
    juros: form.jurosMode === 'agreed' ? percentError(form.juros, tried) : undefined,
    multaCap: percentError(form.multaCap, tried),
  };
  const multaAboveConsumerCap = PERCENT_RE.test(form.multa.trim()) && Number(fromBr(form.multa)) > 2;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const check = {
      multa: percentError(form.multa, true),
      juros: form.jurosMode === 'agreed' ? percentError(form.juros, true) : undefined,
      multaCap: percentError(form.multaCap, true),
    };
    if (check.multa || check.juros || check.multaCap) return;
    save.mutate({
      multaPercent: fromBr(form.multa),
      jurosMonthlyPercent: form.jurosMode === 'legal' ? null : fromBr(form.juros),
      correction: form.correction,
      multaCapPercentForCompanies: fromBr(form.multaCap),
      pixKey: form.pixKey.trim() || null,
      pixMerchantName: form.pixName.trim() || null,
      pixCity: form.pixCity.trim() || null,
    });
  };

  const disabled = !canWrite || save.isPending;
  return (
    <form onSubmit={submit} data-testid="terms-form">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <TextInput
            label="Multa (%)"
            description="Cobrada uma vez sobre o valor em aberto. Para consumidores (pessoa física) a multa máxima é de 2% (CDC art. 52 §1º)."
            inputMode="decimal"
            value={form.multa}
            onChange={(event) => set('multa', event.currentTarget.value)}
            error={errors.multa}
            disabled={disabled}
            data-testid="terms-multa"
          />
          <TextInput
            label="Multa máxima para empresas (%)"
            description="Teto aplicado a devedores pessoa jurídica, conforme o contrato (nunca acima de 100%: CC art. 412)."
            inputMode="decimal"
            value={form.multaCap}
            onChange={(event) => set('multaCap', event.currentTarget.value)}
            error={errors.multaCap}
            disabled={disabled}
            data-testid="terms-multa-cap"
          />
          <Select
            label="Correção monetária"
            description="IPCA (CC art. 389) sobre os meses completos de atraso; meses parciais não são corrigidos."
            data={[
              { value: 'none', label: 'Sem correção' },
              { value: 'ipca', label: 'IPCA' },
            ]}
            value={form.correction}
            onChange={(value) => set('correction', value === 'ipca' ? 'ipca' : 'none')}
            allowDeselect={false}
            disabled={disabled}
            data-testid="terms-correction"
          />
        </SimpleGrid>
        {multaAboveConsumerCap && (
          <Text size="xs" c="orange.8" data-testid="terms-multa-note">
            Acima de 2%: para consumidores (pessoa física) será cobrado no máximo 2%; o percentual maior vale
            só para empresas, até o teto informado.
          </Text>
        )}

        <Radio.Group
          label="Juros de mora"
          description="Juros simples ao mês, pro rata die (mês comercial de 30 dias: 1% ao mês por 45 dias = 1,5%)."
          value={form.jurosMode}
          onChange={(value) => set('jurosMode', value === 'legal' ? 'legal' : 'agreed')}
          data-testid="terms-juros-mode"
        >
          <Group mt="xs">
            <Radio
              value="agreed"
              label="Taxa contratada"
              disabled={disabled}
              data-testid="terms-juros-agreed"
            />
            <Radio
              value="legal"
              label="Sem taxa contratada (taxa legal)"
              disabled={disabled}
              data-testid="terms-juros-legal"
            />
          </Group>
        </Radio.Group>
        {form.jurosMode === 'agreed' ? (
          <TextInput
            label="Juros de mora ao mês (%)"
            inputMode="decimal"
            maw={320}
            value={form.juros}
            onChange={(event) => set('juros', event.currentTarget.value)}
            error={errors.juros}
            disabled={disabled}
            data-testid="terms-juros"
          />
        ) : (
          <Text size="sm" c="dimmed" data-testid="terms-juros-legal-note">
            Sem taxa contratada aplica-se a taxa legal (CC art. 406, Lei 14.905/2024): Selic menos IPCA, mês a
            mês, nunca negativa.
          </Text>
        )}

        <Divider label="Pix" labelPosition="left" />
        <Text size="sm" c="dimmed">
          Chave Pix da empresa para o copia e cola nas mensagens e na página do devedor, com o valor
          atualizado. Sem chave, as mensagens saem sem Pix.
        </Text>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <TextInput
            label="Chave Pix"
            description="CPF, CNPJ, e-mail, celular (+55…) ou chave aleatória."
            value={form.pixKey}
            onChange={(event) => set('pixKey', event.currentTarget.value)}
            maxLength={100}
            disabled={disabled}
            data-testid="terms-pix-key"
          />
          <TextInput
            label="Nome do recebedor"
            description={`Como aparece no app do banco (até ${PIX_NAME_MAX} caracteres); vazio = nome da carteira.`}
            value={form.pixName}
            onChange={(event) => set('pixName', event.currentTarget.value)}
            maxLength={PIX_NAME_MAX}
            disabled={disabled}
            data-testid="terms-pix-name"
          />
          <TextInput
            label="Cidade do recebedor"
            description={`Até ${PIX_CITY_MAX} caracteres; vazio = cidade da carteira.`}
            value={form.pixCity}
            onChange={(event) => set('pixCity', event.currentTarget.value)}
            maxLength={PIX_CITY_MAX}
            disabled={disabled}
            data-testid="terms-pix-city"
          />
        </SimpleGrid>

        {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar as condições" />}
        {saved && (
          <Alert color="green" variant="light" data-testid="terms-saved">
            Condições salvas. Os valores atualizados e o Pix dos devedores desta carteira já seguem as novas
            condições.
          </Alert>
        )}
        {canWrite ? (
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="terms-save">
              Salvar condições
            </Button>
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            Apenas gestores e administradores alteram as condições de cobrança.
          </Text>
        )}
      </Stack>
    </form>
  );
}

/** "Condições de cobrança": the creditor's multa, juros, correção and Pix key. */
export function CollectionTermsCard({ creditorId }: { creditorId: number }) {
  const session = useSession();
  const terms = useQuery({
    queryKey: keys.terms(creditorId),
    queryFn: () => endpoints.getCollectionTerms(creditorId),
  });
  return (
    <Paper withBorder p="md" data-testid="terms-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Condições de cobrança
      </Text>
      {terms.isPending && <PageLoader />}
      {terms.isError && <ProblemAlert error={terms.error} title="Não foi possível carregar as condições" />}
      {terms.data && (
        <TermsForm creditorId={creditorId} terms={terms.data} canWrite={canWriteTerms(session)} />
      )}
    </Paper>
  );
}
