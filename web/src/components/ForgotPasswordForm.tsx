import { Alert, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { endpoints } from '../api/endpoints.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * "Esqueci minha senha": asks the server to e-mail a reset link. The answer is the same whether or not
 * the address has an account, and so is the message shown.
 */
export function ForgotPasswordForm({ initialEmail, onBack }: { initialEmail: string; onBack: () => void }) {
  const [email, setEmail] = useState(initialEmail);
  const request = useMutation({
    mutationFn: (address: string) => endpoints.requestPasswordReset(address),
    meta: { skipAuthRedirect: true },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    if (address) request.mutate(address);
  };

  return (
    <form onSubmit={onSubmit} noValidate data-testid="forgot-form">
      <Stack>
        <div>
          <Title order={2} c="blue.7">
            Régua
          </Title>
          <Text size="sm" c="dimmed">
            Redefinir senha
          </Text>
        </div>
        {request.isSuccess ? (
          <Alert color="green" variant="light" data-testid="forgot-sent">
            Se o e-mail estiver cadastrado, enviamos um link para redefinir a senha. O link vale por 1 hora.
          </Alert>
        ) : (
          <>
            <Text size="sm">
              Informe o e-mail da sua conta. Enviaremos um link para criar uma nova senha.
            </Text>
            {request.isError && <ProblemAlert error={request.error} />}
            <TextInput
              label="E-mail"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
            />
            <Button type="submit" loading={request.isPending} disabled={!email.trim()}>
              Enviar link
            </Button>
          </>
        )}
        <Button variant="subtle" onClick={onBack} disabled={request.isPending} data-testid="forgot-back">
          Voltar para o login
        </Button>
      </Stack>
    </form>
  );
}
