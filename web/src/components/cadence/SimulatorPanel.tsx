import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { endpoints } from '../../api/endpoints.ts';
import type { Cadence } from '../../api/types.ts';
import { formatCents, formatDate, formatInteger } from '../../lib/format.ts';
import { CADENCE_STATUS_LABELS } from '../../lib/labels.ts';
import { IntInput } from '../IntInput.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import type { SimulationRun } from './SimulationChart.tsx';

// The chart library is large: load it only when there is something to draw.
const SimulationChart = lazy(() =>
  import('./SimulationChart.tsx').then((m) => ({ default: m.SimulationChart })),
);

const MAX_RUNS = 2;

/**
 * Plays a version of the régua over the creditor's current portfolio for N days, with the payment
 * behaviour the history suggests, and overlays two runs for comparison.
 */
export function SimulatorPanel({ creditorId, cadences }: { creditorId: number; cadences: Cadence[] }) {
  const versions = cadences.flatMap((c) =>
    c.versions.map((v) => ({
      value: String(v.id),
      label: `${cadences.length > 1 ? `${c.name} · ` : ''}v${v.version} (${CADENCE_STATUS_LABELS[v.status].toLowerCase()})`,
      version: v.version,
      status: v.status,
    })),
  );
  const active = versions.find((v) => v.status === 'active') ?? versions[0];
  const [versionId, setVersionId] = useState<string | null>(active?.value ?? null);
  const [days, setDays] = useState(90);
  const [runs, setRuns] = useState<SimulationRun[]>([]);
  const [seq, setSeq] = useState(1);

  const simulate = useMutation({
    mutationFn: (input: { days: number; versionId?: number }) => endpoints.simulate(creditorId, input),
    onSuccess: (result) => {
      const label = `v${result.version} · ${result.days} dias`;
      setRuns((current) => [...current, { id: seq, label, result }].slice(-MAX_RUNS));
      setSeq(seq + 1);
    },
  });

  const run = () => simulate.mutate(versionId ? { days, versionId: Number(versionId) } : { days });

  return (
    <Stack data-testid="simulator">
      <div>
        <Title order={3}>Simulador</Title>
        <Text size="sm" c="dimmed">
          Projeta contatos, custo e recuperação de uma versão da régua sobre a carteira atual. Rode duas
          versões para comparar as curvas. Cada simulação pode levar alguns segundos.
        </Text>
      </div>
      <Paper withBorder p="md">
        <Group align="flex-end">
          <IntInput
            label="Dias"
            value={days}
            min={7}
            max={365}
            w={120}
            onChange={(value) => setDays(value ?? days)}
            data-testid="simulation-days"
          />
          <Select
            label="Versão"
            data={versions}
            value={versionId}
            onChange={setVersionId}
            allowDeselect={false}
            w={280}
            data-testid="simulation-version"
          />
          <Button onClick={run} loading={simulate.isPending} data-testid="simulate">
            {runs.length === 0 ? 'Simular' : 'Simular e comparar'}
          </Button>
          {runs.length > 0 && (
            <Button variant="subtle" color="gray" onClick={() => setRuns([])}>
              Limpar
            </Button>
          )}
        </Group>
      </Paper>
      {simulate.isError &&
        (simulate.error instanceof ApiError && simulate.error.status === 404 ? (
          <Text c="dimmed" data-testid="simulator-unavailable">
            O simulador ainda não está disponível neste servidor.
          </Text>
        ) : (
          <ProblemAlert error={simulate.error} title="Não foi possível simular" />
        ))}
      {runs.length > 0 && (
        <Paper withBorder p="md" data-testid="simulation-result">
          <Stack>
            <Text fw={600}>Recuperação acumulada</Text>
            <Suspense fallback={<PageLoader />}>
              <SimulationChart runs={runs} />
            </Suspense>
            <Table.ScrollContainer minWidth={760}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Simulação</Table.Th>
                    <Table.Th ta="right">Devedores</Table.Th>
                    <Table.Th ta="right">Títulos</Table.Th>
                    <Table.Th ta="right">Em aberto no início</Table.Th>
                    <Table.Th ta="right">Contatos</Table.Th>
                    <Table.Th ta="right">Custo</Table.Th>
                    <Table.Th ta="right">Recuperado</Table.Th>
                    <Table.Th ta="right">Taxa de recuperação</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {runs.map((r) => (
                    <Table.Tr key={r.id} data-testid="simulation-row">
                      <Table.Td>
                        {r.label}
                        <Text size="xs" c="dimmed">
                          a partir de {formatDate(r.result.startDate)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">{formatInteger(r.result.debtors)}</Table.Td>
                      <Table.Td ta="right">{formatInteger(r.result.receivables)}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {formatCents(r.result.openCentsAtStart)}
                      </Table.Td>
                      <Table.Td ta="right">{formatInteger(r.result.totals.contacts)}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {formatCents(r.result.totals.costCents)}
                      </Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {formatCents(r.result.totals.recoveredCents)}
                      </Table.Td>
                      <Table.Td ta="right">
                        {new Intl.NumberFormat('pt-BR', {
                          style: 'percent',
                          maximumFractionDigits: 1,
                        }).format(r.result.totals.recoveryRate)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <SimpleGrid cols={{ base: 1, md: runs.length }}>
              {runs.map((r) => (
                <Alert
                  key={r.id}
                  color={r.result.model.source === 'history' ? 'blue' : 'yellow'}
                  variant="light"
                >
                  <Text size="sm" fw={600}>
                    {r.label}:{' '}
                    {r.result.model.source === 'history'
                      ? 'modelo ajustado ao histórico da carteira'
                      : 'modelo padrão (histórico insuficiente)'}
                  </Text>
                  <Text size="xs">{r.result.model.note}</Text>
                </Alert>
              ))}
            </SimpleGrid>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
