import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Collapse,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { AlertItem, AlertSettings, AlertThresholds } from '../../api/types.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { canManageMonitoring, useSession } from '../../session.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const percent = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 2 });

/** The measured value against its threshold, in words. */
function measured(a: AlertItem): string {
  if (a.rule === 'broken_agreements_spike')
    return `${decimal.format(a.value)} quebrados na semana (limite ${decimal.format(a.threshold)})`;
  return `${percent.format(a.value)} (limite ${percent.format(a.threshold)})`;
}

const FIELDS: { key: keyof AlertThresholds; label: string; percent?: boolean; step: number }[] = [
  {
    key: 'brokenSpikeK',
    label: 'Acordos quebrados: k desvios-padrão acima da média de 8 semanas',
    step: 0.5,
  },
  { key: 'brokenSpikeMinCount', label: 'Acordos quebrados: mínimo na semana', step: 1 },
  { key: 'bounceRate', label: 'E-mails devolvidos: limite (%)', percent: true, step: 1 },
  { key: 'bounceMinSent', label: 'E-mails devolvidos: mínimo enviados na semana', step: 1 },
  { key: 'slaBreachRate', label: 'SLA descumprido: limite (%)', percent: true, step: 1 },
  { key: 'slaMinJudged', label: 'SLA descumprido: mínimo de prazos julgados', step: 1 },
];

function SettingsForm({ settings }: { settings: AlertSettings }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<AlertThresholds>(settings.thresholds);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: endpoints.setAlertThresholds,
    onSuccess: (next) => {
      queryClient.setQueryData(keys.alertSettings, next);
      setForm(next.thresholds);
      setSaved(true);
    },
  });
  const email = useMutation({
    mutationFn: endpoints.setAlertEmail,
    onSuccess: (next) => queryClient.setQueryData(keys.alertSettings, next),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(form);
  };
  return (
    <form onSubmit={submit} data-testid="alert-settings">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {FIELDS.map((f) => (
            <NumberInput
              key={f.key}
              label={f.label}
              size="xs"
              step={f.step}
              min={0}
              max={f.percent ? 100 : undefined}
              decimalSeparator=","
              value={f.percent ? Math.round(form[f.key] * 10000) / 100 : form[f.key]}
              onChange={(value) => {
                setSaved(false);
                if (typeof value === 'number')
                  setForm((current) => ({ ...current, [f.key]: f.percent ? value / 100 : value }));
              }}
              description={`Padrão: ${f.percent ? percent.format(settings.defaults[f.key]) : decimal.format(settings.defaults[f.key])}`}
            />
          ))}
        </SimpleGrid>
        {save.isError && <ProblemAlert error={save.error} title="Não foi possível salvar os limites" />}
        <Group justify="space-between">
          <Checkbox
            label="Receber cada novo alerta por e-mail"
            checked={settings.emailOptIn}
            disabled={email.isPending}
            onChange={(event) => email.mutate(event.currentTarget.checked)}
            data-testid="alert-email-opt-in"
          />
          <Group gap="xs">
            {saved && (
              <Text size="xs" c="teal.7">
                Limites salvos.
              </Text>
            )}
            <Button type="submit" size="xs" loading={save.isPending}>
              Salvar limites
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * "Alertas": what the rules raised (a spike in broken agreements, e-mail bounces, SLA breaches), per
 * creditor and week; managers acknowledge them and set the thresholds and their e-mail opt-in.
 */
export function AlertsSection() {
  const session = useSession();
  const manage = canManageMonitoring(session);
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const [showSettings, setShowSettings] = useState(false);
  const alerts = useQuery({
    queryKey: [...keys.alerts, status],
    queryFn: () => endpoints.listAlerts(status),
  });
  const settings = useQuery({
    queryKey: keys.alertSettings,
    queryFn: endpoints.getAlertSettings,
    enabled: manage,
  });
  const acknowledge = useMutation({
    mutationFn: endpoints.acknowledgeAlert,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.alerts }),
  });
  return (
    <Paper withBorder p="md" id="alertas" data-testid="kpi-alerts">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Group gap="xs">
            <Title order={4}>Alertas</Title>
            {alerts.data && alerts.data.openCount > 0 && (
              <Badge color="red" data-testid="alerts-open-count">
                {alerts.data.openCount} em aberto
              </Badge>
            )}
          </Group>
          <Group gap="xs">
            <SegmentedControl
              size="xs"
              value={status}
              onChange={(value) => setStatus(value as 'open' | 'all')}
              data={[
                { value: 'open', label: 'Em aberto' },
                { value: 'all', label: 'Todos' },
              ]}
            />
            {manage && (
              <Button size="xs" variant="light" onClick={() => setShowSettings((v) => !v)}>
                Limites e e-mail
              </Button>
            )}
          </Group>
        </Group>
        {manage && (
          <Collapse expanded={showSettings}>
            {settings.isPending && <PageLoader />}
            {settings.isError && (
              <ProblemAlert error={settings.error} title="Não foi possível ler os limites" />
            )}
            {settings.data && (
              <SettingsForm key={JSON.stringify(settings.data.thresholds)} settings={settings.data} />
            )}
          </Collapse>
        )}
        {alerts.isPending && <PageLoader />}
        {alerts.isError && <ProblemAlert error={alerts.error} title="Não foi possível listar os alertas" />}
        {acknowledge.isError && (
          <ProblemAlert error={acknowledge.error} title="Não foi possível reconhecer o alerta" />
        )}
        {alerts.data && alerts.data.items.length === 0 && (
          <Alert color="gray" data-testid="alerts-empty">
            {status === 'open' ? 'Nenhum alerta em aberto.' : 'Nenhum alerta até agora.'}
          </Alert>
        )}
        {alerts.data && alerts.data.items.length > 0 && (
          <Table verticalSpacing="xs" data-testid="alerts-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Alerta</Table.Th>
                <Table.Th>Carteira</Table.Th>
                <Table.Th>Semana de</Table.Th>
                <Table.Th>Medido</Table.Th>
                <Table.Th>Levantado em</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alerts.data.items.map((a) => (
                <Table.Tr key={a.id} data-testid="alert-row">
                  <Table.Td>{a.label}</Table.Td>
                  <Table.Td>
                    <Link to={`/creditors/${a.creditorId}`}>{a.creditorName}</Link>
                  </Table.Td>
                  <Table.Td>{formatDate(a.period.replace(/^week:/, ''))}</Table.Td>
                  <Table.Td>{measured(a)}</Table.Td>
                  <Table.Td>{formatDateTime(a.raisedAt, session.organization.timeZone)}</Table.Td>
                  <Table.Td ta="right">
                    {a.acknowledgedAt ? (
                      <Text size="xs" c="dimmed">
                        Reconhecido em {formatDateTime(a.acknowledgedAt, session.organization.timeZone)}
                      </Text>
                    ) : (
                      manage && (
                        <Button
                          size="xs"
                          variant="light"
                          loading={acknowledge.isPending && acknowledge.variables === a.id}
                          onClick={() => acknowledge.mutate(a.id)}
                          data-testid="alert-acknowledge"
                        >
                          Reconhecer
                        </Button>
                      )
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}

/** The header's badge: how many alerts are open, linking to them. */
export function AlertsBadge() {
  const alerts = useQuery({
    queryKey: [...keys.alerts, 'open'],
    queryFn: () => endpoints.listAlerts('open'),
    refetchInterval: 60_000,
  });
  const open = alerts.data?.openCount ?? 0;
  if (open === 0) return null;
  return (
    <Button
      component={Link}
      to="/indicadores#alertas"
      size="compact-sm"
      color="red"
      variant="light"
      data-testid="alerts-badge"
      aria-label={`${open} alertas em aberto`}
    >
      {open} {open === 1 ? 'alerta' : 'alertas'}
    </Button>
  );
}
