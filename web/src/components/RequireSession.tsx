import { Button, Center, Container, Loader, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useLocation } from 'react-router-dom';
import { isUnauthorized } from '../api/client.ts';
import { endpoints, keys } from '../api/endpoints.ts';
import { SessionContext } from '../session.tsx';
import { AppLayout } from './AppLayout.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

export function RequireSession() {
  const location = useLocation();
  const session = useQuery({
    queryKey: keys.session,
    queryFn: endpoints.getSession,
    retry: false,
    staleTime: 5 * 60_000,
  });

  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Carregando" />
      </Center>
    );
  }
  if (session.isError) {
    if (isUnauthorized(session.error)) {
      return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
    }
    return (
      <Container size="sm" py="xl">
        <Stack>
          <ProblemAlert error={session.error} />
          <Button variant="light" onClick={() => void session.refetch()} w="fit-content">
            Tentar novamente
          </Button>
        </Stack>
      </Container>
    );
  }
  return (
    <SessionContext value={session.data}>
      <AppLayout />
    </SessionContext>
  );
}
