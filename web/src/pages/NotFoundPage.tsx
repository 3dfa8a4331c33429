import { Alert, Anchor, Stack } from '@mantine/core';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <Stack>
      <Alert color="yellow" title="Página não encontrada">
        O endereço acessado não existe.
      </Alert>
      <Anchor component={Link} to="/">
        Voltar para as carteiras
      </Anchor>
    </Stack>
  );
}
