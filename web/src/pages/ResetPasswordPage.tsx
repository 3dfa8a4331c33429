import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { endpoints } from '../api/endpoints.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

/** The server's rule (src/access/passwordReset.ts). */
export const MIN_PASSWORD_LENGTH = 10;

const LINK_REFUSED = 'Este link é inválido ou expirou. Peça um novo.';

/** The server's 400 detail in pt-BR: it words these in English. */
export function resetProblemMessage(detail: string | undefined): string {
  if (!detail) return LINK_REFUSED;
  const lower = detail.toLowerCase();
  if (lower.includes('expired') || lower.includes('invalid') || lower.includes('token')) return LINK_REFUSED;
  if (lower.includes('password')) return `A senha precisa ter pelo menos ${MIN_PASSWORD_LENGTH} caracteres.`;
  return detail;
}

/** Public page the reset e-mail links to (`/redefinir-senha?token=...`): sets a new password. */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const confirm = useMutation({
    mutationFn: (input: { token: string; password: string }) =>
      endpoints.confirmPasswordReset(input.token, input.password),
    meta: { skipAuthRedirect: true },
    onSuccess: () => navigate('/login', { replace: true, state: { passwordReset: true } }),
  });

  const tooShort = password.length < MIN_PASSWORD_LENGTH;
  const mismatch = confirmation !== password;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (tooShort || mismatch) return;
    confirm.mutate({ token, password });
  };

  const refused = confirm.error instanceof ApiError && confirm.error.status === 400 ? confirm.error : null;
  const refusedMessage = refused ? resetProblemMessage(refused.problem.detail) : null;
  const linkRefused = refusedMessage === LINK_REFUSED;

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <title>Redefinir senha · Régua</title>
      <Paper withBorder shadow="sm" p="xl" w={400} radius="md">
        <Stack>
          <div>
            <Title order={2} c="blue.7">
              Régua
            </Title>
            <Text size="sm" c="dimmed">
              Redefinir senha
            </Text>
          </div>
          {token === '' ? (
            <Alert color="red" variant="light" data-testid="reset-error">
              O link está incompleto. Abra-o de novo a partir do e-mail ou peça um novo.
            </Alert>
          ) : (
            <form onSubmit={onSubmit} noValidate data-testid="reset-form">
              <Stack>
                {refusedMessage && (
                  <Alert color="red" variant="light" data-testid="reset-error">
                    {refusedMessage}
                  </Alert>
                )}
                {confirm.isError && !refused && <ProblemAlert error={confirm.error} />}
                <PasswordInput
                  label="Nova senha"
                  description={`Mínimo de ${MIN_PASSWORD_LENGTH} caracteres.`}
                  autoComplete="new-password"
                  required
                  autoFocus
                  value={password}
                  onChange={(event) => setPassword(event.currentTarget.value)}
                  error={
                    submitted && tooShort
                      ? `A senha precisa ter pelo menos ${MIN_PASSWORD_LENGTH} caracteres.`
                      : undefined
                  }
                  data-testid="reset-password"
                />
                <PasswordInput
                  label="Confirme a nova senha"
                  autoComplete="new-password"
                  required
                  value={confirmation}
                  onChange={(event) => setConfirmation(event.currentTarget.value)}
                  error={submitted && !tooShort && mismatch ? 'As senhas não são iguais.' : undefined}
                  data-testid="reset-confirmation"
                />
                <Button type="submit" loading={confirm.isPending}>
                  Salvar nova senha
                </Button>
              </Stack>
            </form>
          )}
          <Anchor
            component={Link}
            to="/login"
            state={linkRefused || token === '' ? { forgot: true } : undefined}
            size="sm"
            ta="center"
            data-testid="reset-back"
          >
            {linkRefused || token === '' ? 'Pedir um novo link' : 'Voltar para o login'}
          </Anchor>
        </Stack>
      </Paper>
    </Center>
  );
}
