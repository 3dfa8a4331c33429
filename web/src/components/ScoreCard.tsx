import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { endpoints, keys } from '../api/endpoints.ts';
import { formatCents, formatDate, formatDateTime, formatPercent } from '../lib/format.ts';
import { useSession } from '../session.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { FactorBadges } from './worklist/TaskScore.tsx';

/**
 * The debtor's behavioural score: chance of paying, expected value, the factors behind it, and the model
 * (its held-out AUC) or the rules with the reason they are used. An automated assessment (LGPD art. 20):
 * the card says so, and that the debtor may ask for a review.
 */
export function ScoreCard({ debtorId }: { debtorId: number }) {
  const session = useSession();
  const score = useQuery({
    queryKey: keys.debtorScore(debtorId),
    queryFn: () => endpoints.getDebtorScore(debtorId),
  });
  if (score.isPending) return <PageLoader />;
  if (score.isError) return <ProblemAlert error={score.error} />;
  const s = score.data.score;
  return (
    <Paper withBorder p="md" data-testid="score-card">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Avaliação de pagamento
      </Text>
      {s === null ? (
        <Text size="sm" c="dimmed" data-testid="score-none">
          Sem avaliação: nada vencido em aberto, ou a carteira ainda não foi avaliada hoje.
        </Text>
      ) : (
        <Stack gap="xs">
          <Group gap="xl" align="baseline">
            <Text size="sm">
              Chance de pagar ao menos metade do vencido em {s.model.labelDays} dias{' '}
              <Text span fw={700} size="lg" data-testid="score-probability">
                {formatPercent(s.probability)}
              </Text>
            </Text>
            <Text size="sm">
              Valor esperado{' '}
              <Text span fw={700} data-testid="score-expected">
                {formatCents(s.expectedRecoveryCents)}
              </Text>{' '}
              de {formatCents(s.openCents)} vencidos
            </Text>
          </Group>
          {s.factors.length > 0 && (
            <div>
              <Text size="xs" c="dimmed" mb={4}>
                O que mais pesou
              </Text>
              <FactorBadges factors={s.factors} testId="score-factors" />
            </div>
          )}
          <Group gap="xs">
            {s.model.kind === 'model' ? (
              <Badge variant="light" color="blue" tt="none" data-testid="score-model">
                Modelo da carteira · AUC {s.model.auc === null ? '—' : s.model.auc.toFixed(2)} em{' '}
                {s.model.nTest.toLocaleString('pt-BR')} casos de teste
              </Badge>
            ) : (
              <Badge variant="light" color="gray" tt="none" data-testid="score-model">
                Regras
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              Treinado em {formatDateTime(s.model.trainedAt, session.organization.timeZone)} · avaliado em{' '}
              {formatDate(s.asOf)}
            </Text>
          </Group>
          {s.model.kind === 'rules' && s.model.reason && (
            <Text size="sm" c="dimmed" data-testid="score-reason">
              {s.model.reason}
            </Text>
          )}
          <Text size="xs" c="dimmed" data-testid="score-lgpd">
            Avaliação automatizada pelo histórico de pagamentos e contatos, usada só para ordenar as ligações.
            O devedor pode pedir a revisão dessa avaliação por uma pessoa (LGPD, art. 20).
          </Text>
        </Stack>
      )}
    </Paper>
  );
}
