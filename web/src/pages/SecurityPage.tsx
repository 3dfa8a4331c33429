import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  List,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import type { Session, TotpEnrollment } from '../api/types.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { TOTP_CODE_LENGTH, TotpCodeInput } from '../components/TotpCodeInput.tsx';
import { useSession } from '../session.tsx';

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

/** A wrong code answers 400: say so in pt-BR, with the server's own wording underneath. */
function CodeProblem({ error, action }: { error: unknown; action: string }) {
  const wrongCode = error instanceof ApiError && error.status === 400;
  return <ProblemAlert error={error} title={wrongCode ? 'Código incorreto ou já utilizado.' : action} />;
}

function TotpStatus({ enabled }: { enabled: boolean }) {
  return (
    <Badge
      color={enabled ? 'green' : 'gray'}
      variant="light"
      data-testid="totp-status"
      data-enabled={enabled ? 'true' : 'false'}
    >
      {enabled ? 'Ativa' : 'Inativa'}
    </Badge>
  );
}

function Enrollment({ enrollment, onCancel }: { enrollment: TotpEnrollment; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const confirm = useMutation({
    mutationFn: endpoints.confirmTotp,
    onSuccess: (session) => {
      queryClient.setQueryData(keys.session, session);
    },
    onError: () => setCode(''),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (code.length === TOTP_CODE_LENGTH) confirm.mutate(code);
  };

  return (
    <Stack data-testid="totp-enrollment">
      <List type="ordered" size="sm" spacing="xs">
        <List.Item>
          Abra o aplicativo autenticador no celular (Google Authenticator, Microsoft Authenticator, 1Password,
          Authy…).
        </List.Item>
        <List.Item>Leia o QR code abaixo, ou digite a chave manualmente.</List.Item>
        <List.Item>Digite o código de 6 dígitos que o aplicativo mostrar para concluir.</List.Item>
      </List>
      <Group align="center" gap="xl">
        <QrCode
          value={enrollment.otpauthUrl}
          label="QR code para cadastrar a Régua no aplicativo autenticador"
          data-testid="totp-qr"
        />
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            Chave para digitar no aplicativo
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Code fz="md" data-testid="totp-secret" data-secret={enrollment.secret}>
              {groupSecret(enrollment.secret)}
            </Code>
            <CopyButton value={enrollment.secret}>
              {({ copied, copy }) => (
                <Button variant="subtle" size="compact-sm" color={copied ? 'teal' : 'blue'} onClick={copy}>
                  {copied ? 'Copiada' : 'Copiar'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            Tipo: baseada em tempo (TOTP), 6 dígitos, a cada 30 segundos.
          </Text>
          <Anchor href={enrollment.otpauthUrl} size="sm" hiddenFrom="sm">
            Abrir no aplicativo autenticador
          </Anchor>
        </Stack>
      </Group>
      <form onSubmit={onSubmit} noValidate>
        <Stack maw={320}>
          {confirm.isError && <CodeProblem error={confirm.error} action="Não foi possível ativar" />}
          <TotpCodeInput value={code} onChange={setCode} data-testid="totp-confirm-code" />
          <Group>
            <Button
              type="submit"
              loading={confirm.isPending}
              disabled={code.length !== TOTP_CODE_LENGTH}
              data-testid="totp-confirm"
            >
              Confirmar e ativar
            </Button>
            <Button variant="subtle" onClick={onCancel} disabled={confirm.isPending}>
              Cancelar
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function EnableTotp() {
  const queryClient = useQueryClient();
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const start = useMutation({
    mutationFn: endpoints.startTotp,
    onSuccess: setEnrollment,
    onError: (error) => {
      // 409: already on (e.g. turned on in another tab): refresh what the page shows.
      if (error instanceof ApiError && error.status === 409)
        void queryClient.invalidateQueries({ queryKey: keys.session });
    },
  });

  if (enrollment) {
    return (
      <Enrollment
        enrollment={enrollment}
        onCancel={() => {
          setEnrollment(null);
          start.reset();
        }}
      />
    );
  }
  return (
    <Stack align="flex-start">
      <Text size="sm">
        Além da senha, a Régua passará a pedir um código de 6 dígitos gerado por um aplicativo autenticador no
        seu celular.
      </Text>
      {start.isError && <ProblemAlert error={start.error} title="Não foi possível iniciar a ativação" />}
      <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="totp-enable">
        Ativar verificação em duas etapas
      </Button>
    </Stack>
  );
}

function DisableTotp() {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const disable = useMutation({
    mutationFn: endpoints.disableTotp,
    onSuccess: () => {
      queryClient.setQueryData<Session>(keys.session, (session) =>
        session ? { ...session, user: { ...session.user, totpEnabled: false } } : session,
      );
      void queryClient.invalidateQueries({ queryKey: keys.session });
    },
    onError: () => setCode(''),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (code.length === TOTP_CODE_LENGTH) disable.mutate(code);
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={320}>
        <Text size="sm">Para desativar, confirme com um código do aplicativo autenticador.</Text>
        {disable.isError && <CodeProblem error={disable.error} action="Não foi possível desativar" />}
        <TotpCodeInput value={code} onChange={setCode} data-testid="totp-disable-code" />
        <Button
          type="submit"
          color="red"
          variant="light"
          w="fit-content"
          loading={disable.isPending}
          disabled={code.length !== TOTP_CODE_LENGTH}
          data-testid="totp-disable"
        >
          Desativar
        </Button>
      </Stack>
    </form>
  );
}

export function SecurityPage() {
  const session = useSession();
  const enabled = session.user.totpEnabled === true;

  return (
    <Stack maw={720}>
      <title>Segurança · Régua</title>
      <Title order={2}>Segurança</Title>
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Group justify="space-between">
            <Title order={4}>Verificação em duas etapas</Title>
            <TotpStatus enabled={enabled} />
          </Group>
          {enabled ? (
            <>
              <Alert color="green" variant="light" data-testid="totp-enabled">
                Ao entrar, além da senha, a Régua pede o código do seu aplicativo autenticador.
              </Alert>
              <DisableTotp />
            </>
          ) : (
            <EnableTotp key={session.user.id} />
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
