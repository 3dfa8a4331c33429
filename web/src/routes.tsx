import type { RouteObject } from 'react-router-dom';
import { RequireSession } from './components/RequireSession.tsx';
import { RouteError } from './components/RouteError.tsx';
import { CreditorPage } from './pages/CreditorPage.tsx';
import { CreditorsPage } from './pages/CreditorsPage.tsx';
import { DebtorPage } from './pages/DebtorPage.tsx';
import { ImportDetailPage } from './pages/ImportDetailPage.tsx';
import { ImportsPage } from './pages/ImportsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NewImportPage } from './pages/NewImportPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SecurityPage } from './pages/SecurityPage.tsx';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, element: <CreditorsPage /> },
          { path: 'creditors/:id', element: <CreditorPage /> },
          { path: 'debtors/:id', element: <DebtorPage /> },
          { path: 'imports', element: <ImportsPage /> },
          { path: 'imports/new', element: <NewImportPage /> },
          { path: 'imports/:id', element: <ImportDetailPage /> },
          { path: 'security', element: <SecurityPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
