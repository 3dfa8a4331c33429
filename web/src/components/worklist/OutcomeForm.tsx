import { Box, Button, Group, List, Radio, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { TaskOutcome, TaskOutcomeInput, WorklistTask } from '../../api/types.ts';
import { formatCents, formatPhone, todayInZone } from '../../lib/format.ts';
import { TASK_OUTCOME_EFFECTS, TASK_OUTCOME_LABELS, TASK_OUTCOMES } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';
import { DateField } from '../DateField.tsx';
import { MoneyInput } from '../MoneyInput.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

function isOutcome(value: string): value is TaskOutcome {
  return value in TASK_OUTCOME_LABELS;
}

/** How a call went: the outcome, a promise's date and amount, a note. Refreshes what the outcome changes. */
export function OutcomeForm({
  task,
  onDone,
  onCancel,
}: {
  task: WorklistTask;
  onDone: (saved: WorklistTask) => void;
  onCancel: () => void;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const today = todayInZone(session.organization.timeZone);
  const [outcome, setOutcome] = useState<TaskOutcome | null>(null);
  const [note, setNote] = useState('');
  const [promiseDate, setPromiseDate] = useState('');
  const [promiseCents, setPromiseCents] = useState<number | undefined>(
    task.openCents > 0 ? task.openCents : undefined,
  );
  const [tried, setTried] = useState(false);

  const isPromise = outcome === 'promise';
  const errors = {
    outcome: outcome === null ? 'Escolha como foi a ligação.' : undefined,
    promiseDate: !isPromise
      ? undefined
      : promiseDate === ''
        ? 'Informe a data prometida.'
        : promiseDate < today
          ? 'A data já passou.'
          : undefined,
    promiseCents:
      isPromise && (promiseCents === undefined || promiseCents <= 0)
        ? 'Informe o valor prometido.'
        : undefined,
  };
  const invalid = Object.values(errors).some((e) => e !== undefined);

  const record = useMutation({
    mutationFn: (input: TaskOutcomeInput) => endpoints.recordTaskOutcome(task.id, input),
    onSuccess: async (saved) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.worklistAll }),
        queryClient.invalidateQueries({ queryKey: keys.holds(task.debtorId) }),
        queryClient.invalidateQueries({ queryKey: keys.debtor(task.debtorId) }),
        queryClient.invalidateQueries({ queryKey: keys.messagesAll }),
        queryClient.invalidateQueries({ queryKey: ['skips'] }),
      ]);
      onDone(saved);
    },
    onError: (error) => {
      // Done meanwhile (by someone else): the list is out of date.
      if (error instanceof ApiError && error.status === 409)
        void queryClient.invalidateQueries({ queryKey: keys.worklistAll });
    },
  });

  const submit = () => {
    setTried(true);
    if (invalid || outcome === null) return;
    const input: TaskOutcomeInput = { outcome };
    if (note.trim() !== '') input.note = note.trim();
    if (isPromise) {
      input.promiseDate = promiseDate;
      if (promiseCents !== undefined) input.promiseCents = promiseCents;
    }
    record.mutate(input);
  };

  return (
    <Stack data-testid="outcome-form">
      <Text size="sm">
        {task.debtorName} · {task.phone ? formatPhone(task.phone) : 'sem telefone'} · em aberto{' '}
        {formatCents(task.openCents)}
      </Text>
      <Radio.Group
        label="Como foi a ligação?"
        value={outcome}
        onChange={(value) => {
          record.reset();
          setOutcome(isOutcome(value) ? value : null);
        }}
        error={tried ? errors.outcome : undefined}
      >
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" mt="xs">
          {TASK_OUTCOMES.map((key) => (
            <Radio key={key} value={key} label={TASK_OUTCOME_LABELS[key]} data-testid={`outcome-${key}`} />
          ))}
        </SimpleGrid>
      </Radio.Group>
      {isPromise && (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" data-testid="outcome-promise">
          <div>
            <DateField
              label="Data prometida"
              value={promiseDate}
              onChange={setPromiseDate}
              data-testid="outcome-promise-date"
            />
            {((tried && promiseDate === '') || (promiseDate !== '' && promiseDate < today)) && (
              <Text size="xs" c="red.7" mt={4}>
                {errors.promiseDate}
              </Text>
            )}
          </div>
          <MoneyInput
            label="Valor prometido"
            value={promiseCents}
            onChange={setPromiseCents}
            error={tried ? errors.promiseCents : undefined}
            data-testid="outcome-promise-amount"
          />
        </SimpleGrid>
      )}
      <Textarea
        label="Anotação"
        description={isPromise ? 'Aparece na promessa, na página do devedor.' : undefined}
        placeholder="O que foi conversado"
        value={note}
        onChange={(event) => setNote(event.currentTarget.value)}
        maxLength={1000}
        autosize
        minRows={2}
        data-testid="outcome-note"
      />
      {record.isError && (
        <ProblemAlert
          error={
            record.error instanceof ApiError && record.error.status === 409
              ? new Error('Esta ligação já foi concluída por outra pessoa. A lista foi atualizada.')
              : record.error
          }
          title="Não foi possível registrar"
        />
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancelar
        </Button>
        <Button onClick={submit} loading={record.isPending} data-testid="outcome-submit">
          Registrar resultado
        </Button>
      </Group>
      <Box
        p="sm"
        bg="gray.0"
        style={{ borderRadius: 4, border: '1px solid var(--mantine-color-gray-3)' }}
        data-testid="outcome-effects"
      >
        <Text size="xs" fw={600} tt="uppercase" c="dimmed" mb={4}>
          O que cada resultado faz na régua
        </Text>
        <List size="xs" spacing={4}>
          {TASK_OUTCOMES.map((key) => (
            <List.Item key={key} fw={key === outcome ? 600 : undefined}>
              <Text span size="xs" fw={600}>
                {TASK_OUTCOME_LABELS[key]}:
              </Text>{' '}
              {TASK_OUTCOME_EFFECTS[key]}
            </List.Item>
          ))}
        </List>
      </Box>
    </Stack>
  );
}
