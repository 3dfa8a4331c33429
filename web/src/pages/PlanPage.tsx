import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { PlanRunResult } from '../api/types.ts';
import { DateField } from '../components/DateField.tsx';
import { MessagesTable } from '../components/outbox/MessagesTable.tsx';
import { SkipsTable } from '../components/outbox/SkipsTable.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatDate, formatDateTime, formatInteger, plural, todayInZone } from '../lib/format.ts';
import { channelLabel, SKIP_REASON_LABELS, skipReasonLabel } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';
import { canRunPlan, useSession } from '../session.tsx';

// The chart library is large: load it only when the page is opened.
const PlanCharts = lazy(() =>
  import('../components/outbox/PlanCharts.tsx').then((m) => ({ default: m.PlanCharts })),
);

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const SENT = ['sent', 'delivered', 'read'];

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
      <Text size="xl" fw={600} c={color} data-testid={`${testId}-value`}>
        {value}
      </Text>
    </Paper>
  );
}

function RunResult({ result }: { result: PlanRunResult }) {
  if (!result.businessDay)
    return (
      <Alert color="yellow" variant="light" title="Não é dia útil" data-testid="plan-run-result">
        {formatDate(result.date)} é fim de semana ou feriado bancário nacional: nada é planejado nesse dia.
      </Alert>
    );
  const channels = Object.entries(result.byChannel)
    .map(([c, n]) => `${channelLabel(c)}: ${n}`)
    .join(' · ');
  const reasons = Object.entries(result.byReason)
    .map(([r, n]) => `${skipReasonLabel(r)}: ${n}`)
    .join(' · ');
  return (
    <Alert
      color="green"
      variant="light"
      title={`Planejamento de ${formatDate(result.date)}`}
      data-testid="plan-run-result"
    >
      <Text size="sm">
        {result.planned === 0 && result.skipped === 0
          ? 'Nada novo a planejar: o dia já estava planejado (planejar de novo não duplica contatos).'
          : `${plural(result.planned, 'contato novo', 'contatos novos')} (${plural(result.plannedReceivables, 'título', 'títulos')}) e ${plural(result.skipped, 'título não planejado', 'títulos não planejados')}.`}
      </Text>
      {channels && <Text size="xs">{channels}</Text>}
      {reasons && <Text size="xs">Não planejados: {reasons}</Text>}
    </Alert>
  );
}

export function PlanPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const today = todayInZone(session.organization.timeZone);
  const dateParam = params.get('date') ?? '';
  const date = DATE_RE.test(dateParam) ? dateParam : today;
  const creditorId = parseId(params.get('creditorId'));
  const tab = params.get('tab') ?? 'planned';
  const reasonParam = params.get('reason');
  const reason = reasonParam && reasonParam in SKIP_REASON_LABELS ? reasonParam : null;
  const setParam = (name: string, value: string | null) =>
    editSearchParams(setParams, (next) => {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    });

  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });
  const plan = useQuery({
    queryKey: keys.plan(date, creditorId),
    queryFn: () => endpoints.getPlan(date, creditorId),
  });
  const run = useMutation({
    mutationFn: () => endpoints.runPlan(date),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['plan'] }),
        queryClient.invalidateQueries({ queryKey: keys.messagesAll }),
        queryClient.invalidateQueries({ queryKey: ['skips'] }),
      ]),
  });

  const summary = plan.data;
  const sent = summary ? SENT.reduce((n, s) => n + (summary.byStatus[s] ?? 0), 0) : 0;
  const failed = summary?.byStatus.failed ?? 0;
  const creditorOptions = (creditors.data?.items ?? []).map((c) => ({
    value: String(c.id),
    label: c.legalName,
  }));

  return (
    <Stack>
      <title>Plano do dia · Régua</title>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Plano do dia</Title>
          <Text c="dimmed" size="sm">
            Os contatos que a régua planejou para a data e os títulos que ficaram de fora, com o motivo.
          </Text>
        </div>
        {canRunPlan(session) && (
          <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="plan-run">
            Planejar agora
          </Button>
        )}
      </Group>

      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <DateField
            label="Data"
            value={date}
            onChange={(iso) => {
              if (iso) {
                run.reset();
                setParam('date', iso === today ? null : iso);
              }
            }}
            data-testid="plan-date"
          />
          <Select
            label="Carteira"
            placeholder="Todas"
            data={creditorOptions}
            value={creditorId === null ? null : String(creditorId)}
            onChange={(value) => setParam('creditorId', value)}
            clearable
            searchable
            data-testid="plan-creditor"
          />
          {canRunPlan(session) && (
            <Text size="xs" c="dimmed" style={{ alignSelf: 'end' }}>
              “Planejar agora” planeja a data escolhida para todas as carteiras da organização. Planejar de
              novo não duplica contatos.
            </Text>
          )}
        </SimpleGrid>
      </Paper>

      {run.isError && <ProblemAlert error={run.error} title="Não foi possível planejar" />}
      {run.data && <RunResult result={run.data} />}

      {plan.isPending && <PageLoader />}
      {plan.isError && <ProblemAlert error={plan.error} />}
      {summary && (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Stat label="Contatos planejados" value={formatInteger(summary.planned)} testId="plan-planned" />
            <Stat
              label="Não planejados"
              value={formatInteger(summary.skipped)}
              color={summary.skipped > 0 ? 'orange.8' : undefined}
              testId="plan-skipped"
            />
            <Stat label="Enviados" value={formatInteger(sent)} color="green.8" testId="plan-sent" />
            <Stat
              label="Falhas"
              value={formatInteger(failed)}
              color={failed > 0 ? 'red.7' : undefined}
              testId="plan-failed"
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed" data-testid="plan-ran-at">
            {summary.ranAt
              ? `Planejado em ${formatDateTime(summary.ranAt, session.organization.timeZone)}`
              : `${formatDate(summary.date)} ainda não foi planejado.`}
          </Text>
          <Suspense fallback={<PageLoader />}>
            <PlanCharts summary={summary} />
          </Suspense>
        </>
      )}

      <Tabs
        value={tab}
        onChange={(value) => setParam('tab', value === 'planned' ? null : value)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="planned" data-testid="plan-tab-planned">
            Planejados{summary ? ` (${formatInteger(summary.planned)})` : ''}
          </Tabs.Tab>
          <Tabs.Tab value="skipped" data-testid="plan-tab-skipped">
            Não planejados{summary ? ` (${formatInteger(summary.skipped)})` : ''}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="planned">
          <MessagesTable filters={{ date, creditorId: creditorId ?? undefined }} />
        </Tabs.Panel>
        <Tabs.Panel value="skipped">
          <Stack>
            <Select
              label="Motivo"
              placeholder="Todos"
              w={300}
              clearable
              data={Object.entries(SKIP_REASON_LABELS).map(([value, label]) => ({
                value,
                label: summary?.byReason[value] ? `${label} (${summary.byReason[value]})` : label,
              }))}
              value={reason}
              onChange={(value) => setParam('reason', value)}
              data-testid="plan-reason"
            />
            <SkipsTable
              filters={{ date, creditorId: creditorId ?? undefined, reason: reason ?? undefined }}
            />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
