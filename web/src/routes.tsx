import type { RouteObject } from 'react-router-dom';
import { RequireSession } from './components/RequireSession.tsx';
import { RouteError } from './components/RouteError.tsx';
import { CadencePage } from './pages/CadencePage.tsx';
import { ChannelsPage } from './pages/ChannelsPage.tsx';
import { CreditorPage } from './pages/CreditorPage.tsx';
import { CreditorsPage } from './pages/CreditorsPage.tsx';
import { DebtorPage } from './pages/DebtorPage.tsx';
import { ImportDetailPage } from './pages/ImportDetailPage.tsx';
import { ImportsPage } from './pages/ImportsPage.tsx';
import { LettersPage } from './pages/LettersPage.tsx';
import { LgpdPage } from './pages/LgpdPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NewImportPage } from './pages/NewImportPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PaymentsPage } from './pages/PaymentsPage.tsx';
import { PlanPage } from './pages/PlanPage.tsx';
import { RecoveredPage } from './pages/RecoveredPage.tsx';
import { ResetPasswordPage } from './pages/ResetPasswordPage.tsx';
import { SandboxPage } from './pages/SandboxPage.tsx';
import { SecurityPage } from './pages/SecurityPage.tsx';
import { WorklistPage } from './pages/WorklistPage.tsx';
import { PortalPage, PortalRouteError } from './portal/PortalPage.tsx';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  // The link in the password reset e-mail: public, no session needed.
  { path: '/redefinir-senha', element: <ResetPasswordPage />, errorElement: <RouteError /> },
  // The debtor portal: public (a signed link, then CPF/CNPJ and a one-time code), its own layout.
  { path: '/p/:token', element: <PortalPage />, errorElement: <PortalRouteError /> },
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, element: <CreditorsPage /> },
          { path: 'creditors/:id', element: <CreditorPage /> },
          { path: 'creditors/:id/regua', element: <CadencePage /> },
          { path: 'debtors/:id', element: <DebtorPage /> },
          { path: 'imports', element: <ImportsPage /> },
          { path: 'imports/new', element: <NewImportPage /> },
          { path: 'imports/:id', element: <ImportDetailPage /> },
          { path: 'plan', element: <PlanPage /> },
          { path: 'worklist', element: <WorklistPage /> },
          { path: 'letters', element: <LettersPage /> },
          { path: 'payments', element: <PaymentsPage /> },
          { path: 'recuperados', element: <RecoveredPage /> },
          { path: 'sandbox', element: <SandboxPage /> },
          { path: 'security', element: <SecurityPage /> },
          { path: 'lgpd', element: <LgpdPage /> },
          { path: 'settings/channels', element: <ChannelsPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
