import { AppShell, Burger, Button, Group, NavLink, Select, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { Session } from '../api/types.ts';
import { ROLE_LABELS } from '../lib/labels.ts';
import {
  canManageLgpd,
  canManageProviders,
  canPrintLetters,
  canSeePayments,
  canWorkTasks,
  useSession,
} from '../session.tsx';
import { AlertsBadge } from './kpis/AlertsSection.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const NAV_ITEMS: {
  to: string;
  label: string;
  match: (path: string) => boolean;
  /** Shown only to the sessions this accepts (all when absent). */
  visible?: (session: Session) => boolean;
}[] = [
  {
    to: '/',
    label: 'Carteiras',
    match: (path: string) => path === '/' || /^\/(creditors|debtors)\//.test(path),
  },
  { to: '/indicadores', label: 'Indicadores', match: (path: string) => path.startsWith('/indicadores') },
  { to: '/relatorios', label: 'Relatórios', match: (path: string) => path.startsWith('/relatorios') },
  { to: '/plan', label: 'Plano do dia', match: (path: string) => path.startsWith('/plan') },
  {
    to: '/worklist',
    label: 'Ligações',
    match: (path: string) => path.startsWith('/worklist'),
    visible: canWorkTasks,
  },
  {
    to: '/letters',
    label: 'Cartas',
    match: (path: string) => path.startsWith('/letters'),
    visible: canPrintLetters,
  },
  {
    to: '/payments',
    label: 'Pagamentos',
    match: (path: string) => path.startsWith('/payments'),
    visible: canSeePayments,
  },
  { to: '/recuperados', label: 'Recuperados', match: (path: string) => path.startsWith('/recuperados') },
  { to: '/faturamento', label: 'Faturamento', match: (path: string) => path.startsWith('/faturamento') },
  { to: '/sandbox', label: 'Caixa de saída', match: (path: string) => path.startsWith('/sandbox') },
  { to: '/imports', label: 'Importações', match: (path: string) => path.startsWith('/imports') },
  { to: '/security', label: 'Segurança', match: (path: string) => path.startsWith('/security') },
  {
    to: '/settings/channels',
    label: 'Canais',
    match: (path: string) => path.startsWith('/settings/channels'),
    visible: canManageProviders,
  },
  {
    to: '/lgpd',
    label: 'LGPD',
    match: (path: string) => path.startsWith('/lgpd'),
    visible: canManageLgpd,
  },
];

export function AppLayout() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);

  const switchOrg = useMutation({
    mutationFn: endpoints.switchOrganization,
    onSuccess: async (next) => {
      queryClient.setQueryData(keys.session, next);
      // Ids from the previous organization mean nothing in the new one: go back to the start page.
      navigate('/');
      await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== keys.session[0] });
    },
  });

  const orgOptions = session.organizations.map((org) => ({ value: org.slug, label: org.name }));
  const onOrgChange = (slug: string | null) => {
    if (slug && slug !== session.organization.slug) {
      close();
      switchOrg.mutate(slug);
    }
  };

  const logout = useMutation({
    mutationFn: endpoints.logout,
    onSettled: () => {
      queryClient.clear();
      navigate('/login', { replace: true });
    },
  });

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={3} c="blue.7" data-testid="brand">
              Régua
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <AlertsBadge />
            <Select
              aria-label="Organização"
              data-testid="org-switcher"
              w={240}
              visibleFrom="xs"
              allowDeselect={false}
              disabled={session.organizations.length < 2 || switchOrg.isPending}
              value={session.organization.slug}
              data={orgOptions}
              onChange={onOrgChange}
            />
            <Text size="sm" visibleFrom="md" data-testid="user-name" title={ROLE_LABELS[session.role]}>
              {session.user.name}
            </Text>
            <Button variant="subtle" onClick={() => logout.mutate()} loading={logout.isPending}>
              Sair
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        {NAV_ITEMS.filter((item) => item.visible?.(session) ?? true).map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            active={item.match(location.pathname)}
            onClick={close}
          />
        ))}
        <Select
          aria-label="Organização"
          hiddenFrom="xs"
          mt="md"
          allowDeselect={false}
          disabled={session.organizations.length < 2 || switchOrg.isPending}
          value={session.organization.slug}
          data={orgOptions}
          onChange={onOrgChange}
        />
        <Text size="xs" c="dimmed" mt="auto" px="sm">
          {session.organization.name} · {ROLE_LABELS[session.role]}
        </Text>
      </AppShell.Navbar>

      <AppShell.Main>
        {switchOrg.isError && (
          <ProblemAlert error={switchOrg.error} title="Não foi possível trocar de organização" />
        )}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
