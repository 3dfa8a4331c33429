import { Badge, Group, Text, Tooltip } from '@mantine/core';
import type { ScoreFactor } from '../../api/types.ts';
import { formatCents, formatPercent } from '../../lib/format.ts';

const BUCKETS: Record<string, string> = {
  '0-30': 'até 30 dias',
  '31-60': '31 a 60 dias',
  '61-90': '61 a 90 dias',
  '91-180': '91 a 180 dias',
  '180+': 'mais de 180 dias',
};

/** The factors of a score as badges: green raises the chance of payment, red lowers it. */
export function FactorBadges({ factors, testId }: { factors: ScoreFactor[]; testId: string }) {
  return (
    <Group gap={6} data-testid={testId}>
      {factors.map((f) => (
        <Badge
          key={f.feature}
          size="sm"
          variant="light"
          color={f.effect === 'raises' ? 'green' : 'red'}
          tt="none"
          title={f.effect === 'raises' ? 'Aumenta a chance de pagamento' : 'Reduz a chance de pagamento'}
        >
          {f.effect === 'raises' ? '▲' : '▼'} {f.label}
        </Badge>
      ))}
    </Group>
  );
}

/** A call's behavioural score: chance of payment, expected value, and why (LGPD art. 20). */
export function TaskScore({
  task,
}: {
  task: {
    probability: number | null;
    expectedRecoveryCents: number | null;
    factors: ScoreFactor[];
    scoreKind: 'model' | 'rules' | null;
    bucket: string;
  };
}) {
  if (task.probability === null)
    return (
      <Text size="xs" c="dimmed" data-testid="call-score-none">
        Ainda sem avaliação de pagamento · hoje com {BUCKETS[task.bucket] ?? task.bucket} de atraso
      </Text>
    );
  return (
    <div data-testid="call-score">
      <Group gap="lg" align="baseline">
        <Tooltip label="Avaliação automática pelo comportamento do devedor; não é uma decisão sobre ele">
          <Text size="sm">
            Chance de pagamento{' '}
            <Text span fw={700} data-testid="call-probability">
              {formatPercent(task.probability)}
            </Text>
          </Text>
        </Tooltip>
        <Text size="sm">
          Valor esperado{' '}
          <Text span fw={700} data-testid="call-expected">
            {formatCents(task.expectedRecoveryCents)}
          </Text>
        </Text>
        <Text size="xs" c="dimmed">
          Hoje com {BUCKETS[task.bucket] ?? task.bucket} de atraso
          {task.scoreKind === 'rules' ? ' · avaliado por regras (pouco histórico)' : ''}
        </Text>
      </Group>
      {task.factors.length > 0 && <FactorBadges factors={task.factors} testId="call-factors" />}
    </div>
  );
}
