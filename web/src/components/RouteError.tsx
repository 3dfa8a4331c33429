import { Alert, Anchor, Container, Stack, Text } from '@mantine/core';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';
import { ProblemAlert } from './ProblemAlert.tsx';

/** Last-resort error screen for rendering errors, so the user never sees a blank page. */
export function RouteError() {
  const error = useRouteError();
  return (
    <Container size="sm" py="xl">
      <Stack>
        {isRouteErrorResponse(error) ? (
          <Alert color="red" title={error.status === 404 ? 'Página não encontrada' : `Erro ${error.status}`}>
            <Text size="sm">{error.statusText}</Text>
          </Alert>
        ) : (
          <ProblemAlert error={error} title="Algo deu errado ao exibir esta página" />
        )}
        <Anchor component={Link} to="/">
          Voltar para o início
        </Anchor>
      </Stack>
    </Container>
  );
}
