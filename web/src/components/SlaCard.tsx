import { Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { SlaFigure, SlaTargets } from '../api/types.ts';
import { formatDate, todayInZone } from '../lib/format.ts';
import { shiftDays } from '../lib/kpis.ts';
import { canManageMonitoring, useSession } from '../session.tsx';
import { IntInput } from './IntInput.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const percent = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });

function Figure({ title, figure, unit }: { title: string; figure: SlaFigure | undefined; unit: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {title}
      </Text>
      <Text size="lg" fw={600} data-testid={`sla-card-${figure?.kind ?? 'none'}`}>
        {figure?.compliance === null || figure === undefined
          ? 'sem dados'
          : percent.format(figure.compliance)}
      </Text>
      {figure && figure.median !== null && (
        <Text size="xs" c="dimmed">
          mediana {decimal.format(figure.median)} {unit} · p90 {decimal.format(figure.p90 ?? 0)} {unit} ·{' '}
          {figure.breached} fora do prazo
        </Text>
      )}
    </Stack>
  );
}

function TargetsForm({ creditorId, targets }: { creditorId: number; targets: SlaTargets }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<SlaTargets>(targets);
  const save = useMutation({
    mutationFn: (next: SlaTargets) => endpoints.setSlaTargets(creditorId, next),
    onSuccess: (stored) => {
      queryClient.setQueryData(keys.slaTargets(creditorId), stored);
      void queryClient.invalidateQueries({ queryKey: ['slas'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(form);
  };
  return (
    <form onSubmit={submit} data-testid="sla-targets-form">
      <Group align="flex-end" gap="sm">
        <IntInput
          label="Primeiro contato em até (dias após o vencimento)"
          size="xs"
          min={0}
          max={365}
          value={form.firstContactDays}
          onChange={(value) => value !== undefined && setForm((f) => ({ ...f, firstContactDays: value }))}
          data-testid="sla-first-contact-days"
        />
        <IntInput
          label="Responder em até (horas corridas)"
          size="xs"
          min={1}
          max={720}
          value={form.replyHours}
          onChange={(value) => value !== undefined && setForm((f) => ({ ...f, replyHours: value }))}
          data-testid="sla-reply-hours"
        />
        <Button type="submit" size="xs" loading={save.isPending} data-testid="sla-targets-save">
          Salvar metas
        </Button>
      </Group>
      {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar as metas" />}
    </form>
  );
}

/**
 * The creditor's SLAs over the last 30 days (first contact after the due date, answer to the debtor's
 * replies) and its targets, which managers edit here (audited).
 */
export function SlaCard({ creditorId }: { creditorId: number }) {
  const session = useSession();
  const today = todayInZone(session.organization.timeZone);
  const period = { from: shiftDays(today, -29), to: today, creditorId };
  const targets = useQuery({
    queryKey: keys.slaTargets(creditorId),
    queryFn: () => endpoints.getSlaTargets(creditorId),
  });
  const slas = useQuery({ queryKey: keys.slas(period), queryFn: () => endpoints.getSlas(period) });
  const sla = slas.data?.creditors[0];
  return (
    <Paper withBorder p="md" data-testid="sla-card">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={4}>SLAs</Title>
          <Text size="xs" c="dimmed">
            Últimos 30 dias ({formatDate(period.from)} a {formatDate(period.to)}) ·{' '}
            <Link to={`/indicadores?carteira=${creditorId}#alertas`}>ver em Indicadores</Link>
          </Text>
        </Group>
        {(targets.isPending || slas.isPending) && <PageLoader />}
        {targets.isError && <ProblemAlert error={targets.error} title="Não foi possível ler as metas" />}
        {slas.isError && <ProblemAlert error={slas.error} title="Não foi possível calcular os SLAs" />}
        {targets.data && slas.data && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Figure
              title={`Primeiro contato em até ${targets.data.firstContactDays} dias do vencimento`}
              figure={sla?.firstContact}
              unit="d"
            />
            <Figure title={`Resposta em até ${targets.data.replyHours} horas`} figure={sla?.reply} unit="h" />
          </SimpleGrid>
        )}
        {targets.data && !targets.data.custom && (
          <Text size="xs" c="dimmed">
            Metas padrão do Régua (3 dias; 24 horas).
          </Text>
        )}
        {targets.data && canManageMonitoring(session) && (
          <TargetsForm
            key={`${targets.data.firstContactDays}-${targets.data.replyHours}`}
            creditorId={creditorId}
            targets={targets.data}
          />
        )}
      </Stack>
    </Paper>
  );
}
