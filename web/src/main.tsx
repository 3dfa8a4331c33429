import '@mantine/core/styles.css';

import { createTheme, MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { ApiError, isUnauthorized } from './api/client.ts';
import { keys } from './api/endpoints.ts';
import { routes } from './routes.tsx';

function redirectToLogin(): void {
  const { pathname, search } = window.location;
  if (pathname === '/login') return;
  queryClient.removeQueries({ queryKey: keys.session });
  void router.navigate('/login', { replace: true, state: { from: `${pathname}${search}` } });
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // The session query handles its own 401 (RequireSession redirects); any other 401 means the
      // session expired or was revoked while the page was open.
      if (isUnauthorized(error) && query.queryKey[0] !== keys.session[0]) redirectToLogin();
    },
  }),
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      if (isUnauthorized(error) && mutation.options.meta?.skipAuthRedirect !== true) redirectToLogin();
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (failureCount, error) => {
        if (error instanceof ApiError && error.status < 500) return false;
        return failureCount < 2;
      },
    },
  },
});

const router = createBrowserRouter(routes);

const theme = createTheme({
  primaryColor: 'blue',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  defaultRadius: 'sm',
});

const container = document.getElementById('root');
if (!container) throw new Error('#root não encontrado');

createRoot(container).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
