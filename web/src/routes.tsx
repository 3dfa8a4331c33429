/**
 * Every route loads its page on first visit (route-level code splitting): the debtor portal (`/p/:token`,
 * opened on phones from a message) downloads only the portal, not the staff app, and the staff app
 * downloads each page when it is first opened. Until a route's module is in, the spinner shows.
 */
import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router-dom';
import { PageLoader } from './components/PageLoader.tsx';
import { RouteError } from './components/RouteError.tsx';
import { PortalRouteError } from './portal/PortalRouteError.tsx';

/** `lazy` for a route whose component is the named export `name` of the module `load` imports. */
function page<K extends string, M extends Record<K, ComponentType>>(
  load: () => Promise<M>,
  name: K,
): () => Promise<{ Component: ComponentType }> {
  return async () => ({ Component: (await load())[name] });
}

export const routes: RouteObject[] = [
  {
    // Shown while the first route's module loads; also catches a module that failed to load.
    hydrateFallbackElement: <PageLoader />,
    errorElement: <RouteError />,
    children: [
      {
        path: '/login',
        lazy: page(() => import('./pages/LoginPage.tsx'), 'LoginPage'),
        errorElement: <RouteError />,
      },
      // The link in the password reset e-mail: public, no session needed.
      {
        path: '/redefinir-senha',
        lazy: page(() => import('./pages/ResetPasswordPage.tsx'), 'ResetPasswordPage'),
        errorElement: <RouteError />,
      },
      // The debtor portal: public (a signed link, then CPF/CNPJ and a one-time code), its own layout.
      {
        path: '/p/:token',
        lazy: page(() => import('./portal/PortalPage.tsx'), 'PortalPage'),
        errorElement: <PortalRouteError />,
      },
      {
        lazy: page(() => import('./components/RequireSession.tsx'), 'RequireSession'),
        errorElement: <RouteError />,
        children: [
          {
            errorElement: <RouteError />,
            children: [
              { index: true, lazy: page(() => import('./pages/CreditorsPage.tsx'), 'CreditorsPage') },
              {
                path: 'creditors/:id',
                lazy: page(() => import('./pages/CreditorPage.tsx'), 'CreditorPage'),
              },
              {
                path: 'creditors/:id/regua',
                lazy: page(() => import('./pages/CadencePage.tsx'), 'CadencePage'),
              },
              { path: 'debtors/:id', lazy: page(() => import('./pages/DebtorPage.tsx'), 'DebtorPage') },
              { path: 'imports', lazy: page(() => import('./pages/ImportsPage.tsx'), 'ImportsPage') },
              {
                path: 'imports/new',
                lazy: page(() => import('./pages/NewImportPage.tsx'), 'NewImportPage'),
              },
              {
                path: 'imports/:id',
                lazy: page(() => import('./pages/ImportDetailPage.tsx'), 'ImportDetailPage'),
              },
              { path: 'plan', lazy: page(() => import('./pages/PlanPage.tsx'), 'PlanPage') },
              { path: 'worklist', lazy: page(() => import('./pages/WorklistPage.tsx'), 'WorklistPage') },
              { path: 'letters', lazy: page(() => import('./pages/LettersPage.tsx'), 'LettersPage') },
              { path: 'payments', lazy: page(() => import('./pages/PaymentsPage.tsx'), 'PaymentsPage') },
              {
                path: 'recuperados',
                lazy: page(() => import('./pages/RecoveredPage.tsx'), 'RecoveredPage'),
              },
              { path: 'indicadores', lazy: page(() => import('./pages/KpisPage.tsx'), 'KpisPage') },
              { path: 'relatorios', lazy: page(() => import('./pages/ReportsPage.tsx'), 'ReportsPage') },
              {
                path: 'faturamento',
                lazy: page(() => import('./pages/BillingPage.tsx'), 'BillingPage'),
              },
              { path: 'sandbox', lazy: page(() => import('./pages/SandboxPage.tsx'), 'SandboxPage') },
              { path: 'security', lazy: page(() => import('./pages/SecurityPage.tsx'), 'SecurityPage') },
              { path: 'lgpd', lazy: page(() => import('./pages/LgpdPage.tsx'), 'LgpdPage') },
              {
                path: 'settings/channels',
                lazy: page(() => import('./pages/ChannelsPage.tsx'), 'ChannelsPage'),
              },
              { path: '*', lazy: page(() => import('./pages/NotFoundPage.tsx'), 'NotFoundPage') },
            ],
          },
        ],
      },
    ],
  },
];
