import { Anchor, Badge, Box, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client.ts';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { WorklistTask } from '../../api/types.ts';
import {
  formatCents,
  formatDate,
  formatDateTime,
  formatInteger,
  formatPhone,
  plural,
} from '../../lib/format.ts';
import { actorLabel, taskOutcomeColor, taskOutcomeLabel } from '../../lib/labels.ts';
import { canReassignTasks, useSession } from '../../session.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { TaskScore } from './TaskScore.tsx';

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

/** The number to dial as a tel: link, and the debtor's other numbers. */
function Phones({ task }: { task: WorklistTask }) {
  const others = task.phones.filter((p) => p !== task.phone);
  const removed = task.phone !== null && !task.phones.includes(task.phone);
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        Telefone
      </Text>
      {task.phone ? (
        <Group gap="xs">
          <Anchor
            href={`tel:${task.phone}`}
            fw={600}
            td={removed ? 'line-through' : undefined}
            data-testid="call-phone"
          >
            {formatPhone(task.phone)}
          </Anchor>
          {removed && (
            <Badge size="xs" color="red" variant="light">
              Removido dos contatos
            </Badge>
          )}
        </Group>
      ) : (
        <Text c="dimmed">Sem telefone</Text>
      )}
      {others.length > 0 && (
        <Text size="xs" c="dimmed">
          Outros:{' '}
          {others.map((p, i) => (
            <span key={p}>
              {i > 0 && ', '}
              <Anchor href={`tel:${p}`} size="xs">
                {formatPhone(p)}
              </Anchor>
            </span>
          ))}
        </Text>
      )}
    </div>
  );
}

function assignment(task: WorklistTask, meId: number): 'me' | 'other' | 'none' {
  if (task.assignedTo === null) return 'none';
  return task.assignedTo === meId ? 'me' : 'other';
}

/** The result of a done call: outcome, promise, note, who and when. */
function DoneDetails({ task }: { task: WorklistTask }) {
  const session = useSession();
  return (
    <Stack gap={4} data-testid="call-result">
      <Group gap="xs">
        <Badge color={taskOutcomeColor(task.outcome)} variant="light" data-testid="call-outcome">
          {taskOutcomeLabel(task.outcome)}
        </Badge>
        {task.outcome === 'promise' && (
          <Text size="sm" fw={500} data-testid="call-promise">
            {formatCents(task.promiseCents)} até {formatDate(task.promiseDate)}
          </Text>
        )}
      </Group>
      {task.note && <Text size="sm">{task.note}</Text>}
      <Text size="xs" c="dimmed">
        Registrado por {task.doneBy ? actorLabel(task.doneBy, session.user) : '—'} em{' '}
        {formatDateTime(task.doneAt, session.organization.timeZone)}
      </Text>
    </Stack>
  );
}

/** One call of the worklist: who, which number, how much, the script, and what can be done with it. */
export function CallCard({
  task,
  rank,
  onRecord,
  onClaimed,
}: {
  task: WorklistTask;
  /** Position in the list (1 = the most urgent), open calls only. */
  rank: number | null;
  onRecord: (task: WorklistTask) => void;
  onClaimed: () => void;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const who = assignment(task, session.user.id);
  const open = task.status === 'open';

  const claim = useMutation({
    mutationFn: (release: boolean) => endpoints.claimTask(task.id, release),
    onSuccess: async (_saved, release) => {
      await queryClient.invalidateQueries({ queryKey: keys.worklistAll });
      if (!release) onClaimed();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409)
        void queryClient.invalidateQueries({ queryKey: keys.worklistAll });
    },
  });

  return (
    <Paper
      withBorder
      p="md"
      data-testid="call-card"
      data-task-id={task.id}
      data-assigned={who}
      data-status={task.status}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" align="baseline">
            {rank !== null && (
              <Badge
                variant="filled"
                color={rank <= 3 ? 'red' : 'gray'}
                radius="sm"
                title="Posição na fila: valor esperado, com vez garantida para cada faixa de atraso"
                data-testid="call-rank"
              >
                {rank}º
              </Badge>
            )}
            <div>
              <Anchor
                component={Link}
                to={`/debtors/${task.debtorId}`}
                fw={600}
                size="lg"
                data-testid="call-debtor"
              >
                {task.debtorName}
              </Anchor>
              <Text size="xs" c="dimmed" data-testid="call-priority">
                Prioridade {formatInteger(task.priority)} · na lista desde{' '}
                {formatDateTime(task.createdAt, session.organization.timeZone)}
              </Text>
            </div>
          </Group>
          {open && (
            <Badge
              variant={who === 'me' ? 'filled' : 'light'}
              color={who === 'me' ? 'blue' : who === 'other' ? 'grape' : 'gray'}
              tt="none"
              data-testid="call-assignee"
            >
              {who === 'me'
                ? 'Com você'
                : who === 'other'
                  ? `Com ${actorLabel(`user:${task.assignedTo}`, session.user)}`
                  : 'Sem responsável'}
            </Badge>
          )}
        </Group>

        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <Phones task={task} />
          <Figure label="Total em aberto" value={formatCents(task.openCents)} testId="call-open" />
          <Figure
            label="Atraso"
            value={task.daysLate > 0 ? plural(task.daysLate, 'dia', 'dias') : 'Em dia'}
            testId="call-days-late"
          />
        </SimpleGrid>

        {task.status === 'open' && <TaskScore task={task} />}

        <Box
          p="sm"
          bg="gray.0"
          style={{
            whiteSpace: 'pre-wrap',
            borderRadius: 4,
            border: '1px solid var(--mantine-color-gray-3)',
          }}
        >
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={2}>
            Roteiro
          </Text>
          <Text size="sm" data-testid="call-script">
            {task.script}
          </Text>
        </Box>

        {task.status === 'done' && <DoneDetails task={task} />}
        {claim.isError && (
          <ProblemAlert
            error={
              claim.error instanceof ApiError && claim.error.status === 409
                ? new Error(
                    'Outra pessoa pegou esta ligação ou ela já foi concluída. A lista foi atualizada.',
                  )
                : claim.error
            }
            title="Não foi possível"
          />
        )}
        {open && (
          <Group gap="xs">
            {who === 'none' && (
              <Button
                size="sm"
                onClick={() => claim.mutate(false)}
                loading={claim.isPending}
                data-testid="call-claim"
              >
                Pegar
              </Button>
            )}
            {who === 'me' && (
              <Button
                size="sm"
                variant="default"
                onClick={() => claim.mutate(true)}
                loading={claim.isPending}
                data-testid="call-release"
              >
                Devolver
              </Button>
            )}
            {who !== 'other' && (
              <Button
                size="sm"
                variant={who === 'me' ? 'filled' : 'light'}
                onClick={() => onRecord(task)}
                data-testid="call-record"
              >
                Registrar resultado
              </Button>
            )}
            {who === 'other' && (
              <Text size="sm" c="dimmed">
                Outro cobrador está com esta ligação.
              </Text>
            )}
            {who === 'other' && canReassignTasks(session) && (
              <Button
                size="xs"
                variant="subtle"
                onClick={() => claim.mutate(true)}
                loading={claim.isPending}
                data-testid="call-release"
              >
                Devolver à lista
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
