import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = (state as { from: unknown }).from;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login')) return from;
  }
  return '/';
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();

  const login = useMutation({
    mutationFn: () => endpoints.login(email.trim(), password),
    meta: { skipAuthRedirect: true },
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(keys.session, session);
      navigate(redirectTarget(location.state), { replace: true });
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  const invalidCredentials = login.error instanceof ApiError && login.error.status === 401;

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <title>Entrar · Régua</title>
      <Paper withBorder shadow="sm" p="xl" w={380} radius="md">
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <div>
              <Title order={2} c="blue.7">
                Régua
              </Title>
              <Text size="sm" c="dimmed">
                Plataforma de cobrança
              </Text>
            </div>
            {invalidCredentials && (
              <Alert color="red" variant="light" data-testid="login-error">
                E-mail ou senha inválidos
              </Alert>
            )}
            {login.isError && !invalidCredentials && <ProblemAlert error={login.error} />}
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
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
