import { Anchor, Breadcrumbs, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import { FeeTermsCard } from '../components/billing/FeeTermsCard.tsx';
import { CollectionAccountCard } from '../components/CollectionAccountCard.tsx';
import { CollectionTermsCard } from '../components/CollectionTermsCard.tsx';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { NegotiationPolicyCard } from '../components/NegotiationPolicyCard.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { ReceivablesPanel } from '../components/ReceivablesPanel.tsx';
import { RemessasCard } from '../components/RemessasCard.tsx';
import { SlaCard } from '../components/SlaCard.tsx';
import { formatAddressLines, formatCents, formatCnpj, formatInteger } from '../lib/format.ts';
import { parseId } from '../lib/params.ts';
import { canImport, canImportPayments, canManageProviders, useSession } from '../session.tsx';

// The chart library is large: load it only when a portfolio is opened.
const AgingChart = lazy(() =>
  import('../components/AgingChart.tsx').then((m) => ({ default: m.AgingChart })),
);

function Stat({
  label,
  value,
  color,
  testId,
}: {
  label: string;
  value: string;
  color?: string;
  testId: string;
}) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={600} c={color}>
        {value}
      </Text>
    </Paper>
  );
}

export function CreditorPage() {
  const id = parseId(useParams().id);
  const session = useSession();
  const creditor = useQuery({
    queryKey: keys.creditor(id ?? 0),
    queryFn: () => endpoints.getCreditor(id ?? 0),
    enabled: id !== null,
  });

  if (id === null) return <ProblemAlert error={new Error('Identificador de carteira inválido.')} />;
  if (creditor.isPending) return <PageLoader />;
  if (creditor.isError) return <ProblemAlert error={creditor.error} />;

  const c = creditor.data;
  const address = formatAddressLines(c.address);

  return (
    <Stack>
      <title>{`${c.legalName} · Régua`}</title>
      <Breadcrumbs>
        <Anchor component={Link} to="/">
          Carteiras
        </Anchor>
        <Text>{c.legalName}</Text>
      </Breadcrumbs>

      <Group justify="space-between" align="flex-start">
        {/* Creditor identification (CDC art. 42-A): razão social, CNPJ and address. */}
        <Stack gap={2} data-testid="creditor-header">
          <Title order={2}>{c.legalName}</Title>
          {c.tradeName && c.tradeName !== c.legalName && <Text c="dimmed">{c.tradeName}</Text>}
          <Text size="sm">
            CNPJ <span data-testid="creditor-cnpj">{formatCnpj(c.cnpj)}</span>
            {c.segment ? ` · ${c.segment}` : ''}
          </Text>
          {address.map((line) => (
            <Text size="sm" c="dimmed" key={line}>
              {line}
            </Text>
          ))}
        </Stack>
        <Group gap="xs">
          <Button
            component={Link}
            to={`/creditors/${c.id}/regua`}
            variant="light"
            data-testid="creditor-cadence"
          >
            Régua de cobrança
          </Button>
          {canImport(session) && (
            <Button component={Link} to={`/imports/new?creditorId=${c.id}`} data-testid="creditor-import">
              Importar títulos
            </Button>
          )}
        </Group>
      </Group>

      {c.stats && (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Stat label="Devedores" value={formatInteger(c.stats.debtors)} testId="stat-debtors" />
          <Stat label="Títulos" value={formatInteger(c.stats.receivables)} testId="stat-receivables" />
          <Stat label="Em aberto" value={formatCents(c.stats.openCents)} testId="stat-open" />
          <Stat
            label="Vencido"
            value={formatCents(c.stats.overdueCents)}
            color={c.stats.overdueCents > 0 ? 'red.7' : undefined}
            testId="stat-overdue"
          />
        </SimpleGrid>
      )}

      <Suspense fallback={<PageLoader />}>
        <AgingChart creditorId={c.id} />
      </Suspense>

      <CollectionTermsCard key={`terms-${c.id}`} creditorId={c.id} />

      <NegotiationPolicyCard key={`policy-${c.id}`} creditorId={c.id} />

      <FeeTermsCard key={`fees-${c.id}`} creditorId={c.id} />
      <SlaCard key={`sla-${c.id}`} creditorId={c.id} />

      {canManageProviders(session) && <CollectionAccountCard key={`account-${c.id}`} creditorId={c.id} />}

      {canImportPayments(session) && <RemessasCard key={`remessas-${c.id}`} creditorId={c.id} />}

      <Group justify="space-between" align="flex-start">
        <Title order={3}>Títulos</Title>
        <CsvExportButton
          path="/api/v1/debtors/export.csv"
          query={{ creditorId: c.id }}
          filename="devedores.csv"
          label="Exportar devedores (CSV)"
          data-testid="debtors-csv"
        />
      </Group>
      <ReceivablesPanel key={c.id} creditorId={c.id} />
    </Stack>
  );
}
