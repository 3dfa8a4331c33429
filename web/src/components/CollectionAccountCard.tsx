/**
 * "Conta de cobrança" (admins, permission providers:manage): the Banco do Brasil convênio the
 * agreements' boletos are issued under, and the Pix PSP (API Pix) that registers their charges. The
 * PSP's client secret is write-only: the server says only whether one is stored.
 */
import {
  Alert,
  Button,
  Divider,
  Group,
  List,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import type { CollectionAccount, CollectionAccountInput } from '../api/types.ts';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

interface FormState {
  boletoOn: boolean;
  agency: string;
  account: string;
  convenio: string;
  carteira: string;
  pspOn: boolean;
  url: string;
  clientId: string;
  /** Blank keeps the stored secret. */
  clientSecret: string;
}

function toForm(account: CollectionAccount): FormState {
  return {
    boletoOn: account.boleto !== null,
    agency: account.boleto?.agency ?? '',
    account: account.boleto?.account ?? '',
    convenio: account.boleto?.convenio ?? '',
    carteira: account.boleto?.carteira ?? '17',
    pspOn: account.psp !== null,
    url: account.psp?.url ?? '',
    clientId: account.psp?.clientId ?? '',
    clientSecret: '',
  };
}

function toInput(form: FormState): CollectionAccountInput {
  const secret = form.clientSecret.trim();
  return {
    boleto: form.boletoOn
      ? {
          agency: form.agency.trim(),
          account: form.account.trim(),
          convenio: form.convenio.trim(),
          carteira: form.carteira.trim(),
        }
      : null,
    psp: form.pspOn
      ? { url: form.url.trim(), clientId: form.clientId.trim(), ...(secret ? { clientSecret: secret } : {}) }
      : null,
  };
}

/**
 * The server answers a refused account with every problem in one pt-BR detail, a sentence each
 * ("Agência inválida: use o formato 1234-5. O convênio do Banco do Brasil tem 7 dígitos."): one item each.
 */
export function problemSentences(detail: string): string[] {
  return detail
    .split(/(?<=\.)\s+(?=\p{Lu})/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

function SaveProblem({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 400 && error.problem.detail) {
    const problems = problemSentences(error.problem.detail);
    return (
      <Alert
        color="red"
        variant="light"
        title="A conta de cobrança não foi salva"
        data-testid="account-problems"
      >
        <List size="sm">
          {problems.map((problem) => (
            <List.Item key={problem} data-testid="account-problem">
              {problem}
            </List.Item>
          ))}
        </List>
      </Alert>
    );
  }
  return <ProblemAlert error={error} title="A conta de cobrança não foi salva" />;
}

function AccountForm({ creditorId, account }: { creditorId: number; account: CollectionAccount }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => toForm(account));
  const [hasSecret, setHasSecret] = useState(account.psp?.hasSecret ?? false);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setSaved(false);
    setForm((current) => ({ ...current, [key]: value }));
  };

  const save = useMutation({
    mutationFn: (input: CollectionAccountInput) => endpoints.setCollectionAccount(creditorId, input),
    onSuccess: (stored) => {
      queryClient.setQueryData(keys.collectionAccount(creditorId), stored);
      setForm(toForm(stored));
      setHasSecret(stored.psp?.hasSecret ?? false);
      setSaved(true);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    setSaved(false);
    save.mutate(toInput(form));
  };
  const disabled = save.isPending;

  return (
    <form onSubmit={submit} data-testid="account-form">
      <Stack gap="sm">
        <Switch
          label="Emitir boletos (Banco do Brasil)"
          description="Os pagamentos dos acordos ganham boleto com nosso número deste convênio, registrado por remessa CNAB 240."
          checked={form.boletoOn}
          onChange={(event) => set('boletoOn', event.currentTarget.checked)}
          disabled={disabled}
          data-testid="account-boleto-on"
        />
        {form.boletoOn && (
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
            <TextInput
              label="Agência"
              description="Com o dígito"
              placeholder="1234-5"
              value={form.agency}
              onChange={(event) => set('agency', event.currentTarget.value)}
              maxLength={10}
              disabled={disabled}
              data-testid="account-agency"
            />
            <TextInput
              label="Conta"
              description="Com o dígito"
              placeholder="12345-6"
              value={form.account}
              onChange={(event) => set('account', event.currentTarget.value)}
              maxLength={20}
              disabled={disabled}
              data-testid="account-account"
            />
            <TextInput
              label="Convênio"
              description="7 dígitos"
              inputMode="numeric"
              value={form.convenio}
              onChange={(event) => set('convenio', event.currentTarget.value)}
              maxLength={10}
              disabled={disabled}
              data-testid="account-convenio"
            />
            <TextInput
              label="Carteira"
              description="Ex.: 17"
              inputMode="numeric"
              value={form.carteira}
              onChange={(event) => set('carteira', event.currentTarget.value)}
              maxLength={3}
              disabled={disabled}
              data-testid="account-carteira"
            />
          </SimpleGrid>
        )}

        <Divider />
        <Switch
          label="Registrar as cobranças Pix no PSP (API Pix)"
          description="Cada pagamento de acordo ganha uma cobrança com vencimento (cobv) no PSP; sem PSP, o Pix é o estático da chave das condições de cobrança."
          checked={form.pspOn}
          onChange={(event) => set('pspOn', event.currentTarget.checked)}
          disabled={disabled}
          data-testid="account-psp-on"
        />
        {form.pspOn && (
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
            <TextInput
              label="Endereço da API Pix"
              placeholder="https://pix.seu-psp.com.br/api/v2"
              value={form.url}
              onChange={(event) => set('url', event.currentTarget.value)}
              maxLength={300}
              disabled={disabled}
              data-testid="account-psp-url"
            />
            <TextInput
              label="Client ID"
              value={form.clientId}
              onChange={(event) => set('clientId', event.currentTarget.value)}
              maxLength={200}
              disabled={disabled}
              data-testid="account-psp-client-id"
            />
            <PasswordInput
              label="Client secret"
              description={
                hasSecret ? 'Deixe em branco para manter o segredo guardado.' : 'Guardado criptografado.'
              }
              placeholder={hasSecret ? '•••••• (segredo guardado)' : undefined}
              value={form.clientSecret}
              onChange={(event) => set('clientSecret', event.currentTarget.value)}
              maxLength={500}
              autoComplete="new-password"
              disabled={disabled}
              data-testid="account-psp-secret"
            />
          </SimpleGrid>
        )}
        {form.pspOn && (
          <Text size="xs" c="dimmed" data-testid="account-psp-secret-state">
            {hasSecret
              ? 'Segredo guardado (criptografado; nunca é exibido).'
              : 'Nenhum segredo guardado: informe o client secret para registrar as cobranças.'}
          </Text>
        )}
        {!form.pspOn && hasSecret && (
          <Text size="xs" c="orange.8">
            Ao salvar sem PSP, o segredo guardado é apagado.
          </Text>
        )}

        {save.isError && <SaveProblem error={save.error} />}
        {saved && (
          <Alert color="green" variant="light" data-testid="account-saved">
            Conta de cobrança salva. Vale para os acordos feitos a partir de agora.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} data-testid="account-save">
            Salvar conta de cobrança
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Conta de cobrança": render only for admins (permission providers:manage). */
export function CollectionAccountCard({ creditorId }: { creditorId: number }) {
  const account = useQuery({
    queryKey: keys.collectionAccount(creditorId),
    queryFn: () => endpoints.getCollectionAccount(creditorId),
  });
  return (
    <Paper withBorder p="md" data-testid="account-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Conta de cobrança
      </Text>
      {account.isPending && <PageLoader />}
      {account.isError && (
        <ProblemAlert error={account.error} title="Não foi possível carregar a conta de cobrança" />
      )}
      {account.data && <AccountForm creditorId={creditorId} account={account.data} />}
    </Paper>
  );
}
