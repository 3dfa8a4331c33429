import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  PasswordInput,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type UseMutationResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type {
  ChannelProvider,
  ChannelProviderInput,
  ChannelProviderName,
  SmtpSecurity,
} from '../api/types.ts';
import { ChannelIcon } from '../components/ChannelIcon.tsx';
import { IntInput } from '../components/IntInput.tsx';
import { MoneyInput } from '../components/MoneyInput.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatDateTime } from '../lib/format.ts';
import { actorLabel, channelLabel, providerLabel, STEP_CHANNELS } from '../lib/labels.ts';
import { canManageProviders, useSession } from '../session.tsx';

const SECURITY_OPTIONS: { value: SmtpSecurity; label: string }[] = [
  { value: 'tls', label: 'TLS direto (465)' },
  { value: 'starttls', label: 'STARTTLS (587)' },
  { value: 'none', label: 'Sem criptografia (apenas relay local)' },
];

/** The usual port of each kind of connection, filled in when the security changes. */
const DEFAULT_PORT: Record<SmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type SaveMutation = UseMutationResult<ChannelProvider, Error, ChannelProviderInput>;

interface SmtpForm {
  host: string;
  port: number | undefined;
  security: SmtpSecurity;
  username: string;
  password: string;
  fromAddress: string;
  fromName: string;
  replyTo: string;
  costCents: number | undefined;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The provider a channel uses when nobody configured it (the server lists it first). */
function defaultProvider(item: ChannelProvider): string {
  return item.available[0] ?? 'sandbox';
}

/** Providers chosen without credentials: the generic card can set them (e-mail's SMTP has its own form). */
const SIMPLE_PROVIDERS: readonly string[] = ['sandbox', 'worklist', 'print'];

/** What choosing a provider means for a channel, in a sentence. */
const PROVIDER_HELP: Record<string, string> = {
  'phone:worklist':
    'Cada etapa de ligação vira uma chamada na lista de Ligações, com o roteiro; o cobrador liga e registra o resultado, que volta para a régua.',
  'phone:sandbox': 'As ligações ficam só na Caixa de saída: ninguém liga para o devedor.',
  'letter:sandbox': 'As cartas ficam só na Caixa de saída: nada é impresso nem postado.',
  'letter:print':
    'As cartas de cada dia formam um lote em Cartas: a equipe imprime o PDF e posta no mesmo dia (a data de envio vale como prova da notificação).',
};

function providerHelp(channel: string, provider: string): string {
  return (
    PROVIDER_HELP[`${channel}:${provider}`] ??
    (provider === 'sandbox' ? 'Nada é enviado de verdade: as mensagens ficam na Caixa de saída.' : '')
  );
}

const costOf = (item: ChannelProvider): number | undefined =>
  typeof item.settings.costCents === 'number' && item.settings.costCents > 0
    ? item.settings.costCents
    : undefined;

function isSecurity(value: unknown): value is SmtpSecurity {
  return value === 'tls' || value === 'starttls' || value === 'none';
}

/** The form as the stored settings fill it (STARTTLS on 587 when nothing is stored yet). */
function formFrom(item: ChannelProvider): SmtpForm {
  const s = item.provider === 'smtp' ? item.settings : {};
  const security = isSecurity(s.security) ? s.security : 'starttls';
  return {
    host: str(s.host),
    port: typeof s.port === 'number' ? s.port : DEFAULT_PORT[security],
    security,
    username: str(s.username),
    password: '',
    fromAddress: str(s.fromAddress),
    fromName: str(s.fromName),
    replyTo: str(s.replyTo),
    costCents: typeof s.costCents === 'number' && s.costCents > 0 ? s.costCents : undefined,
  };
}

function formErrors(form: SmtpForm): Partial<Record<keyof SmtpForm, string>> {
  const errors: Partial<Record<keyof SmtpForm, string>> = {};
  if (form.host.trim() === '') errors.host = 'Informe o servidor SMTP.';
  if (form.port === undefined || form.port < 1 || form.port > 65535) errors.port = 'Porta entre 1 e 65535.';
  if (!EMAIL.test(form.fromAddress.trim())) errors.fromAddress = 'Informe um e-mail válido.';
  if (form.replyTo.trim() !== '' && !EMAIL.test(form.replyTo.trim()))
    errors.replyTo = 'Informe um e-mail válido ou deixe em branco.';
  return errors;
}

/** The PUT body: empty optional fields left out, the password only when one was typed. */
function smtpInput(form: SmtpForm): ChannelProviderInput {
  const settings: Record<string, unknown> = {
    host: form.host.trim(),
    port: form.port,
    security: form.security,
    fromAddress: form.fromAddress.trim(),
  };
  if (form.username.trim() !== '') settings.username = form.username.trim();
  if (form.fromName.trim() !== '') settings.fromName = form.fromName.trim();
  if (form.replyTo.trim() !== '') settings.replyTo = form.replyTo.trim();
  if (form.costCents !== undefined) settings.costCents = form.costCents;
  const input: ChannelProviderInput = { provider: 'smtp', settings, enabled: true };
  if (form.password !== '') input.password = form.password;
  return input;
}

function ProviderBadge({ item, compact = false }: { item: ChannelProvider; compact?: boolean }) {
  const name = providerLabel(item.provider);
  const sandbox = item.provider === 'sandbox';
  const label = sandbox
    ? 'Sandbox — nada é enviado de verdade'
    : item.enabled
      ? name
      : `${name} desativado — usando o sandbox`;
  return (
    <Badge
      color={sandbox || !item.enabled ? 'yellow' : 'green'}
      variant="light"
      size={compact ? 'md' : 'lg'}
      radius="sm"
      tt="none"
      h="auto"
      py={4}
      // Long labels wrap instead of being cut off in the narrow cards.
      styles={{ label: { whiteSpace: 'normal', overflow: 'visible' } }}
      data-testid="provider-badge"
      data-provider={item.provider}
    >
      {label}
    </Badge>
  );
}

function LastChange({ item }: { item: ChannelProvider }) {
  const session = useSession();
  return (
    <Text size="xs" c="dimmed" data-testid="provider-updated">
      {item.updatedAt
        ? `Última alteração por ${actorLabel(item.updatedBy ?? 'system', session.user)} em ${formatDateTime(item.updatedAt, session.organization.timeZone)}`
        : `Nunca configurado: usa ${defaultProvider(item) === 'sandbox' ? 'o sandbox' : `o padrão (${providerLabel(defaultProvider(item))})`}.`}
    </Text>
  );
}

function CardHeader({ item, compact = false }: { item: ChannelProvider; compact?: boolean }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
      <Group gap="sm" wrap="nowrap">
        <ChannelIcon channel={item.channel} size={36} />
        <div>
          <Title order={4}>{channelLabel(item.channel)}</Title>
          <LastChange item={item} />
        </div>
      </Group>
      <ProviderBadge item={item} compact={compact} />
    </Group>
  );
}

function SmtpFields({
  item,
  save,
  onEdit,
}: {
  item: ChannelProvider;
  save: SaveMutation;
  onEdit: () => void;
}) {
  const [form, setForm] = useState<SmtpForm>(() => formFrom(item));
  const [tried, setTried] = useState(false);
  const errors = tried ? formErrors(form) : {};
  const secretStored = item.provider === 'smtp' && item.hasSecret;

  const set = <K extends keyof SmtpForm>(key: K, value: SmtpForm[K]) => {
    onEdit();
    setForm((current) => ({ ...current, [key]: value }));
  };
  const setSecurity = (security: SmtpSecurity) => {
    onEdit();
    // Follow the usual port of the connection kind, unless a custom one was typed.
    setForm((current) => ({
      ...current,
      security,
      port: current.port === DEFAULT_PORT[current.security] ? DEFAULT_PORT[security] : current.port,
    }));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(formErrors(form)).length > 0) return;
    save.mutate(smtpInput(form));
  };

  return (
    <form onSubmit={onSubmit} noValidate data-testid="smtp-form">
      <Stack>
        <Grid gap="md">
          <Grid.Col span={{ base: 12, sm: 5 }}>
            <TextInput
              label="Servidor SMTP"
              placeholder="smtp.exemplo.com.br"
              required
              value={form.host}
              onChange={(e) => set('host', e.currentTarget.value)}
              error={errors.host}
              data-testid="smtp-host"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, xs: 8, sm: 5 }}>
            <Select
              label="Segurança"
              allowDeselect={false}
              data={SECURITY_OPTIONS}
              value={form.security}
              onChange={(value) => isSecurity(value) && setSecurity(value)}
              data-testid="smtp-security"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, xs: 4, sm: 2 }}>
            <IntInput
              label="Porta"
              required
              min={1}
              max={65535}
              hideControls
              value={form.port}
              optional
              onChange={(value) => set('port', value)}
              error={errors.port}
              data-testid="smtp-port"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              label="Usuário"
              description="Deixe em branco se o servidor não pede autenticação."
              autoComplete="off"
              value={form.username}
              onChange={(e) => set('username', e.currentTarget.value)}
              data-testid="smtp-username"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <PasswordInput
              label="Senha"
              description={
                secretStored
                  ? 'Deixe em branco para manter a senha guardada.'
                  : 'Guardada criptografada; não é exibida de novo.'
              }
              placeholder={secretStored ? '•••••• (guardada)' : undefined}
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => set('password', e.currentTarget.value)}
              data-testid="smtp-password"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              label="E-mail do remetente"
              placeholder="cobranca@suaempresa.com.br"
              required
              value={form.fromAddress}
              onChange={(e) => set('fromAddress', e.currentTarget.value)}
              error={errors.fromAddress}
              data-testid="smtp-from-address"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              label="Nome do remetente"
              placeholder="Cobrança Alfa BPO"
              value={form.fromName}
              onChange={(e) => set('fromName', e.currentTarget.value)}
              data-testid="smtp-from-name"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              label="Responder para"
              description="Opcional: para onde vão as respostas dos devedores."
              value={form.replyTo}
              onChange={(e) => set('replyTo', e.currentTarget.value)}
              error={errors.replyTo}
              data-testid="smtp-reply-to"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <MoneyInput
              label="Custo por e-mail"
              description="Opcional: entra no custo da régua."
              value={form.costCents}
              onChange={(value) => set('costCents', value)}
              data-testid="smtp-cost"
            />
          </Grid.Col>
        </Grid>
        {item.provider === 'smtp' && (
          <Text size="sm" data-testid="smtp-secret-status" data-stored={secretStored ? 'true' : 'false'}>
            {secretStored ? 'Senha: guardada (criptografada).' : 'Senha: nenhuma guardada.'}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} data-testid="smtp-save">
            {item.provider === 'smtp' ? 'Salvar alterações' : 'Usar SMTP'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EmailCard({ item }: { item: ChannelProvider }) {
  const save = useSaveProvider(item.channel);
  const [choice, setChoice] = useState<'sandbox' | 'smtp'>(item.provider === 'smtp' ? 'smtp' : 'sandbox');
  const onEdit = () => {
    if (save.isSuccess) save.reset();
  };

  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      data-testid="channel-card"
      data-channel={item.channel}
      data-provider={item.provider}
    >
      <Stack>
        <CardHeader item={item} />
        <SegmentedControl
          data={[
            { value: 'sandbox', label: 'Sandbox' },
            { value: 'smtp', label: 'Servidor SMTP' },
          ]}
          value={choice}
          onChange={(value) => {
            save.reset();
            setChoice(value === 'smtp' ? 'smtp' : 'sandbox');
          }}
          data-testid="email-provider-choice"
          style={{ alignSelf: 'flex-start' }}
        />
        {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar" />}
        {save.isSuccess && (
          <Alert color="green" variant="light" data-testid="provider-saved">
            {save.data.provider === 'sandbox'
              ? 'Pronto: os e-mails voltam para o sandbox em até um minuto.'
              : 'Configuração salva: vale para os próximos envios em até um minuto.'}
          </Alert>
        )}
        {choice === 'smtp' ? (
          // Remounted after each save, so the form shows what the server stored.
          <SmtpFields key={item.updatedAt ?? 'new'} item={item} save={save} onEdit={onEdit} />
        ) : item.provider === 'sandbox' ? (
          <Text size="sm" c="dimmed">
            Os e-mails ficam na{' '}
            <Anchor component={Link} to="/sandbox" size="sm">
              Caixa de saída
            </Anchor>
            , como o devedor os receberia. Escolha “Servidor SMTP” para enviá-los de verdade.
          </Text>
        ) : (
          <Stack align="flex-start">
            <Text size="sm">
              Os e-mails deixarão de ser enviados de verdade. A configuração SMTP e a senha guardada serão
              apagadas: para voltar ao SMTP, será preciso preenchê-las de novo.
            </Text>
            <Button
              color="orange"
              variant="light"
              loading={save.isPending}
              onClick={() => save.mutate({ provider: 'sandbox', settings: {}, enabled: true })}
              data-testid="email-use-sandbox"
            >
              Voltar ao sandbox
            </Button>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** A channel with more than one provider and no credentials (phone, letters): pick one, maybe a cost. */
function ProviderChoiceCard({ item }: { item: ChannelProvider }) {
  const save = useSaveProvider(item.channel);
  const [choice, setChoice] = useState(item.provider);
  const [costCents, setCostCents] = useState<number | undefined>(() =>
    item.provider === 'print' ? costOf(item) : undefined,
  );
  const withCost = choice === 'print';
  const changed =
    choice !== item.provider ||
    !item.enabled ||
    (withCost && (costCents ?? 0) !== ((item.provider === 'print' && costOf(item)) || 0));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const settings: Record<string, unknown> = withCost ? { costCents: costCents ?? 0 } : {};
    save.mutate({ provider: choice as ChannelProviderName, settings, enabled: true });
  };

  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      data-testid="channel-card"
      data-channel={item.channel}
      data-provider={item.provider}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <CardHeader item={item} compact />
          <Radio.Group
            value={choice}
            onChange={(value) => {
              save.reset();
              setChoice(value);
            }}
            aria-label={`Provedor de ${channelLabel(item.channel)}`}
            data-testid="provider-choice"
          >
            <Stack gap="xs">
              {item.available.map((provider) => {
                // Providers that need credentials get their own form; until one exists here, not offered.
                const supported = SIMPLE_PROVIDERS.includes(provider) || provider === item.provider;
                return (
                  <Radio
                    key={provider}
                    value={provider}
                    disabled={!supported}
                    label={provider === 'sandbox' ? 'Sandbox' : providerLabel(provider)}
                    description={
                      supported
                        ? providerHelp(item.channel, provider)
                        : 'Ainda não pode ser configurado por esta tela.'
                    }
                    data-testid={`provider-option-${provider}`}
                  />
                );
              })}
            </Stack>
          </Radio.Group>
          {withCost && (
            <MoneyInput
              label="Custo por carta"
              description="Impressão, envelope e postagem: entra no custo da régua."
              value={costCents}
              onChange={(value) => {
                save.reset();
                setCostCents(value);
              }}
              data-testid="print-cost"
            />
          )}
          {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar" />}
          {save.isSuccess && (
            <Alert color="green" variant="light" data-testid="provider-saved">
              Configuração salva: vale para os próximos envios em até um minuto.
            </Alert>
          )}
          <Group>
            <Button type="submit" disabled={!changed} loading={save.isPending} data-testid="provider-save">
              Salvar
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function SandboxOnlyCard({ item }: { item: ChannelProvider }) {
  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      data-testid="channel-card"
      data-channel={item.channel}
      data-provider={item.provider}
    >
      <Stack gap="sm">
        <CardHeader item={item} compact />
        <Text size="sm" c="dimmed">
          Por enquanto, não há outro provedor para configurar aqui.
        </Text>
      </Stack>
    </Paper>
  );
}

function useSaveProvider(channel: string): SaveMutation {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelProviderInput) => endpoints.setChannelProvider(channel, input),
    onSuccess: (saved) => {
      queryClient.setQueryData<{ items: ChannelProvider[] }>(keys.channelProviders, (current) =>
        current ? { items: current.items.map((i) => (i.channel === saved.channel ? saved : i)) } : current,
      );
    },
  });
}

export function ChannelsPage() {
  const session = useSession();
  const allowed = canManageProviders(session);
  const providers = useQuery({
    queryKey: keys.channelProviders,
    queryFn: endpoints.listChannelProviders,
    enabled: allowed,
  });

  const byChannel = new Map(providers.data?.items.map((item) => [item.channel, item]));
  const email = byChannel.get('email');
  const others = STEP_CHANNELS.filter((c) => c !== 'email')
    .map((c) => byChannel.get(c))
    .filter((item): item is ChannelProvider => item !== undefined);
  // Channels with a choice to make come first, in wider cards.
  const choosable = others.filter((item) => item.available.length > 1);
  const fixed = others.filter((item) => item.available.length <= 1);

  return (
    <Stack maw={1100}>
      <title>Canais · Régua</title>
      <div>
        <Title order={2}>Canais</Title>
        <Text c="dimmed" size="sm">
          Qual provedor entrega as mensagens de cada canal da régua.
        </Text>
      </div>
      {!allowed ? (
        <Alert color="gray" variant="light" title="Acesso restrito" data-testid="channels-forbidden">
          Apenas administradores configuram os canais.
        </Alert>
      ) : (
        <>
          <Text size="sm" data-testid="channels-note">
            As credenciais são guardadas criptografadas e nunca mais exibidas; as mudanças passam a valer em
            até um minuto.
          </Text>
          {providers.isPending && <PageLoader />}
          {providers.isError && <ProblemAlert error={providers.error} />}
          {email && <EmailCard key={email.channel} item={email} />}
          {choosable.length > 0 && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {choosable.map((item) => (
                <ProviderChoiceCard key={item.channel} item={item} />
              ))}
            </SimpleGrid>
          )}
          {fixed.length > 0 && (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {fixed.map((item) => (
                <SandboxOnlyCard key={item.channel} item={item} />
              ))}
            </SimpleGrid>
          )}
        </>
      )}
    </Stack>
  );
}
