import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { Experiment, ExperimentVerdict } from '../../api/types.ts';
import { formatCents, formatInteger, formatPercent } from '../../lib/format.ts';
import { channelLabel } from '../../lib/labels.ts';
import { ChannelIcon } from '../ChannelIcon.tsx';
import { CsvExportButton } from '../CsvExportButton.tsx';
import { PageLoader } from '../PageLoader.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const VERDICT_COLORS: Record<ExperimentVerdict, string> = {
  winner: 'green',
  not_yet: 'gray',
  no_difference: 'blue',
};

export function verdictText(experiment: Pick<Experiment, 'verdict' | 'winner'>): string {
  switch (experiment.verdict) {
    case 'winner':
      return `Vencedora: ${(experiment.winner ?? '?').toUpperCase()}`;
    case 'no_difference':
      return 'Sem diferença';
    default:
      return 'Ainda sem dados suficientes';
  }
}

function rate(part: number, whole: number): string {
  return whole > 0 ? formatPercent(part / whole) : '—';
}

function ExperimentCard({ experiment }: { experiment: Experiment }) {
  const e = experiment;
  return (
    <Paper withBorder p="md" data-testid="experiment" data-step-key={e.stepKey}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="sm">
            <ChannelIcon channel={e.channel} />
            <div>
              <Text fw={600}>Etapa {e.stepKey}</Text>
              <Text size="xs" c="dimmed">
                {channelLabel(e.channel)} · régua v{e.version}
              </Text>
            </div>
          </Group>
          <Badge
            size="lg"
            variant="light"
            color={VERDICT_COLORS[e.verdict] ?? 'gray'}
            data-testid="experiment-verdict"
          >
            {verdictText(e)}
          </Badge>
        </Group>
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Variante</Table.Th>
                <Table.Th ta="right">Peso</Table.Th>
                <Table.Th ta="right">Contatados</Table.Th>
                <Table.Th ta="right">Com 30 dias</Table.Th>
                <Table.Th ta="right">Pagaram em 7 dias</Table.Th>
                <Table.Th ta="right">Pagaram em 30 dias</Table.Th>
                <Table.Th ta="right">Recuperado</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {e.variants.map((v) => (
                <Table.Tr key={v.key} fw={e.winner === v.key ? 600 : undefined}>
                  <Table.Td>
                    {v.key.toUpperCase()}
                    {v.key === 'a' ? ' (controle)' : ''}
                  </Table.Td>
                  <Table.Td ta="right">{v.weight}%</Table.Td>
                  <Table.Td ta="right">{formatInteger(v.contacted)}</Table.Td>
                  <Table.Td ta="right">{formatInteger(v.mature)}</Table.Td>
                  <Table.Td ta="right">
                    {formatInteger(v.paid7)} ({rate(v.paid7, v.mature)})
                  </Table.Td>
                  <Table.Td ta="right">
                    {formatInteger(v.paid30)} ({rate(v.paid30, v.mature)})
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {formatCents(v.recoveredCents)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Text size="sm" c="dimmed">
          {e.explanation}
        </Text>
      </Stack>
    </Paper>
  );
}

/** Results of the A/B tests on this creditor's steps: who was contacted with which variant, and who paid. */
export function ExperimentsPanel({ creditorId }: { creditorId: number }) {
  const experiments = useQuery({
    queryKey: keys.experiments(creditorId),
    queryFn: () => endpoints.listExperiments(creditorId),
  });

  return (
    <Stack data-testid="experiments">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Title order={3}>Testes A/B</Title>
          <Text size="sm" c="dimmed">
            Cada devedor recebe sempre a mesma variante de uma etapa. As taxas de pagamento em 7 e 30 dias
            contam só os contatos feitos há pelo menos 30 dias.
          </Text>
        </div>
        {experiments.data && experiments.data.items.length > 0 && (
          <CsvExportButton
            path={`/api/v1/creditors/${creditorId}/experiments/export.csv`}
            filename="testes-ab.csv"
            data-testid="experiments-csv"
          />
        )}
      </Group>
      {experiments.isPending && <PageLoader />}
      {experiments.isError &&
        (experiments.error instanceof ApiError && experiments.error.status === 404 ? (
          <Text c="dimmed" data-testid="experiments-unavailable">
            Os resultados dos testes A/B ainda não estão disponíveis neste servidor.
          </Text>
        ) : (
          <ProblemAlert error={experiments.error} title="Não foi possível carregar os testes A/B" />
        ))}
      {experiments.data && experiments.data.items.length === 0 && (
        <Text c="dimmed" data-testid="experiments-empty">
          Nenhum teste A/B com contatos ainda. Adicione uma variante a uma etapa da régua para começar.
        </Text>
      )}
      {experiments.data?.items.map((e) => (
        <ExperimentCard key={`${e.versionId}-${e.stepKey}`} experiment={e} />
      ))}
    </Stack>
  );
}
