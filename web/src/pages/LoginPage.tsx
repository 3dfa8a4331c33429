import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import { ForgotPasswordForm } from '../components/ForgotPasswordForm.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { TOTP_CODE_LENGTH, TotpCodeInput } from '../components/TotpCodeInput.tsx';

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = (state as { from: unknown }).from;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login')) return from;
  }
  return '/';
}

/** The state other pages navigate here with: `{passwordReset: true}` after a new password was set. */
function stateFlag(state: unknown, flag: 'passwordReset' | 'forgot'): boolean {
  return typeof state === 'object' && state !== null && (state as Record<string, unknown>)[flag] === true;
}

interface Credentials {
  email: string;
  password: string;
  code?: string;
}

function totpRequired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.problem.totpRequired === true;
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  // Second step: the server asked for the authenticator code (401 with totpRequired).
  const [codeStep, setCodeStep] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  // "Esqueci minha senha": the e-mail form instead of the login (also when a reset link was refused).
  const [forgot, setForgot] = useState(() => stateFlag(location.state, 'forgot'));
  const passwordWasReset = stateFlag(location.state, 'passwordReset');

  const login = useMutation({
    mutationFn: (credentials: Credentials) =>
      endpoints.login(credentials.email, credentials.password, credentials.code),
    meta: { skipAuthRedirect: true },
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(keys.session, session);
      navigate(redirectTarget(location.state), { replace: true });
    },
    onError: (error) => {
      if (totpRequired(error)) {
        setCodeStep(true);
        setCode('');
      }
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (codeStep) {
      if (code.length !== TOTP_CODE_LENGTH) return;
      login.mutate({ email: email.trim(), password, code });
    } else {
      login.mutate({ email: email.trim(), password });
    }
  };

  const backToPassword = () => {
    setCodeStep(false);
    setCode('');
    setPassword('');
    login.reset();
  };

  const needsCode = totpRequired(login.error);
  const codeWasSent = login.variables?.code !== undefined;
  const invalidCredentials = login.error instanceof ApiError && login.error.status === 401 && !needsCode;

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <title>Entrar · Régua</title>
      <Paper withBorder shadow="sm" p="xl" w={380} radius="md">
        {forgot ? (
          <ForgotPasswordForm initialEmail={email.trim()} onBack={() => setForgot(false)} />
        ) : (
          <form
            onSubmit={onSubmit}
            noValidate
            data-testid="login-form"
            data-step={codeStep ? 'code' : 'password'}
          >
            <Stack>
              <div>
                <Title order={2} c="blue.7">
                  Régua
                </Title>
                <Text size="sm" c="dimmed">
                  Plataforma de cobrança
                </Text>
              </div>
              {passwordWasReset && !login.isError && (
                <Alert color="green" variant="light" data-testid="password-reset-done">
                  Senha redefinida. Entre com a nova senha.
                </Alert>
              )}
              {invalidCredentials && (
                <Alert color="red" variant="light" data-testid="login-error">
                  E-mail ou senha inválidos
                </Alert>
              )}
              {needsCode && codeWasSent && (
                <Alert color="red" variant="light" data-testid="login-error">
                  Código incorreto ou já utilizado.
                </Alert>
              )}
              {codeStep && !(needsCode && codeWasSent) && (
                <Alert color="blue" variant="light" data-testid="totp-prompt">
                  Digite o código de 6 dígitos do seu aplicativo autenticador.
                </Alert>
              )}
              {login.isError && !invalidCredentials && !needsCode && <ProblemAlert error={login.error} />}
              {codeStep ? (
                <>
                  <Text size="sm">
                    Entrando como <strong>{email.trim()}</strong>
                  </Text>
                  <TotpCodeInput value={code} onChange={setCode} autoFocus data-testid="login-code" />
                  <Button type="submit" loading={login.isPending} disabled={code.length !== TOTP_CODE_LENGTH}>
                    Entrar
                  </Button>
                  <Button variant="subtle" onClick={backToPassword} disabled={login.isPending}>
                    Voltar
                  </Button>
                </>
              ) : (
                <>
                  <TextInput
                    label="E-mail"
                    type="email"
                    autoComplete="username"
                    required
                    autoFocus
                    value={email}
                    onChange={(event) => setEmail(event.currentTarget.value)}
                  />
                  <PasswordInput
                    label="Senha"
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(event) => setPassword(event.currentTarget.value)}
                  />
                  <Button type="submit" loading={login.isPending} disabled={!email || !password}>
                    Entrar
                  </Button>
                  <Group justify="center">
                    <Anchor
                      component="button"
                      type="button"
                      size="sm"
                      onClick={() => setForgot(true)}
                      data-testid="forgot-password"
                    >
                      Esqueci minha senha
                    </Anchor>
                  </Group>
                </>
              )}
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
