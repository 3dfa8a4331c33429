import { Badge, Button, Group, Modal, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { endpoints, keys } from '../api/endpoints.ts';
import type { Hold, HoldKind, NewHold } from '../api/types.ts';
import { formatDate, formatDateTime, todayInZone } from '../lib/format.ts';
import { actorLabel, HOLD_KIND_COLORS, HOLD_KIND_LABELS } from '../lib/labels.ts';
import { canWriteHolds, useSession } from '../session.tsx';
import { DateField } from './DateField.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const FORMS: Record<
  'promise' | 'dispute' | 'pause',
  { title: string; submit: string; dateLabel: string; noteLabel: string; help: string }
> = {
  promise: {
    title: 'Registrar promessa de pagamento',
    submit: 'Registrar promessa',
    dateLabel: 'Data prometida',
    noteLabel: 'Anotação',
    help: 'A régua não cobra este devedor até a data prometida (nas etapas que pulam promessas).',
  },
  dispute: {
    title: 'Registrar contestação',
    submit: 'Registrar contestação',
    dateLabel: 'Até (opcional)',
    noteLabel: 'Motivo da contestação',
    help: 'Enquanto a contestação estiver aberta, não há cobrança, negativação nem protesto.',
  },
  pause: {
    title: 'Pausar a cobrança',
    submit: 'Pausar cobrança',
    dateLabel: 'Até (opcional)',
    noteLabel: 'Motivo da pausa',
    help: 'A régua fica parada para este devedor até a data, ou até a pausa ser encerrada.',
  },
};

type FormKind = keyof typeof FORMS;

function HoldForm({ kind, debtorId, onDone }: { kind: FormKind; debtorId: number; onDone: () => void }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const [untilDate, setUntilDate] = useState('');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const form = FORMS[kind];
  const today = todayInZone(session.organization.timeZone);
  const dateMissing = kind === 'promise' && untilDate === '';
  const dateInPast = untilDate !== '' && untilDate < today;
  const reasonMissing = reason.trim() === '';

  const place = useMutation({
    mutationFn: (hold: NewHold) => endpoints.placeHold(debtorId, hold),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.holds(debtorId) }),
        queryClient.invalidateQueries({ queryKey: ['skips'] }),
      ]);
      onDone();
    },
  });

  const submit = () => {
    setTried(true);
    if (dateMissing || dateInPast || reasonMissing) return;
    const hold: NewHold = { kind: kind as HoldKind, reason: reason.trim() };
    if (untilDate) hold.untilDate = untilDate;
    place.mutate(hold);
  };

  return (
    <Stack data-testid="hold-form">
      <Text size="sm" c="dimmed">
        {form.help}
      </Text>
      <DateField label={form.dateLabel} value={untilDate} onChange={setUntilDate} data-testid="hold-date" />
      {tried && dateMissing && (
        <Text size="xs" c="red.7">
          Informe a data prometida.
        </Text>
      )}
      {dateInPast && (
        <Text size="xs" c="red.7">
          A data já passou.
        </Text>
      )}
      <Textarea
        label={form.noteLabel}
        value={reason}
        onChange={(event) => setReason(event.currentTarget.value)}
        maxLength={500}
        autosize
        minRows={2}
        error={tried && reasonMissing ? 'Escreva uma anotação.' : undefined}
        data-testid="hold-reason"
      />
      {place.isError && <ProblemAlert error={place.error} title="Não foi possível registrar" />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancelar
        </Button>
        <Button onClick={submit} loading={place.isPending} data-testid="hold-submit">
          {form.submit}
        </Button>
      </Group>
    </Stack>
  );
}

function HoldRow({ hold, today, canWrite }: { hold: Hold; today: string; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const release = useMutation({
    mutationFn: () => endpoints.releaseHold(hold.id),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.holds(hold.debtorId) }),
        queryClient.invalidateQueries({ queryKey: ['skips'] }),
      ]),
  });
  const tz = session.organization.timeZone;
  const released = hold.releasedAt !== null;
  const expired = !released && hold.untilDate !== null && hold.untilDate < today;

  return (
    <Paper
      withBorder
      p="sm"
      data-testid="hold-row"
      data-kind={hold.kind}
      data-active={!released && !expired ? 'true' : 'false'}
      style={{ opacity: released || expired ? 0.7 : 1 }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Badge variant="light" color={HOLD_KIND_COLORS[hold.kind] ?? 'gray'}>
              {HOLD_KIND_LABELS[hold.kind] ?? hold.kind}
            </Badge>
            {released ? (
              <Badge variant="outline" color="gray" data-testid="hold-status">
                Encerrada
              </Badge>
            ) : expired ? (
              <Badge variant="outline" color="gray" data-testid="hold-status">
                Vencida
              </Badge>
            ) : (
              <Badge variant="dot" color="green" data-testid="hold-status">
                Ativa
              </Badge>
            )}
            {hold.untilDate && (
              <Text size="sm" fw={500}>
                {hold.kind === 'promise' ? 'pagar até' : 'até'} {formatDate(hold.untilDate)}
              </Text>
            )}
            {hold.receivableId !== null && (
              <Text size="xs" c="dimmed">
                só um título
              </Text>
            )}
          </Group>
          <Text size="sm">{hold.reason}</Text>
          <Text size="xs" c="dimmed">
            Registrada por {actorLabel(hold.createdBy, session.user)} em {formatDateTime(hold.createdAt, tz)}
            {hold.releasedAt
              ? ` · encerrada por ${hold.releasedBy ? actorLabel(hold.releasedBy, session.user) : '—'} em ${formatDateTime(hold.releasedAt, tz)}`
              : ''}
          </Text>
          {release.isError && <ProblemAlert error={release.error} title="Não foi possível encerrar" />}
        </Stack>
        {canWrite && !released && (
          <Button
            variant="subtle"
            color="red"
            size="xs"
            onClick={() => release.mutate()}
            loading={release.isPending}
            data-testid="hold-release"
          >
            Encerrar
          </Button>
        )}
      </Group>
    </Paper>
  );
}

/** Promises, disputes, agreements and pauses that stop the régua for this debtor. */
export function HoldsCard({ debtorId }: { debtorId: number }) {
  const session = useSession();
  const [form, setForm] = useState<FormKind | null>(null);
  const holds = useQuery({ queryKey: keys.holds(debtorId), queryFn: () => endpoints.listHolds(debtorId) });
  const canWrite = canWriteHolds(session);
  const today = todayInZone(session.organization.timeZone);

  return (
    <Paper withBorder p="md" data-testid="holds-card">
      <Group justify="space-between" mb="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Pausas e promessas
        </Text>
        {canWrite && (
          <Group gap="xs">
            <Button size="xs" onClick={() => setForm('promise')} data-testid="hold-new-promise">
              Registrar promessa
            </Button>
            <Button
              size="xs"
              variant="light"
              color="orange"
              onClick={() => setForm('dispute')}
              data-testid="hold-new-dispute"
            >
              Contestação
            </Button>
            <Button
              size="xs"
              variant="light"
              color="gray"
              onClick={() => setForm('pause')}
              data-testid="hold-new-pause"
            >
              Pausar
            </Button>
          </Group>
        )}
      </Group>
      {holds.isPending && <PageLoader />}
      {holds.isError && <ProblemAlert error={holds.error} />}
      {holds.data && holds.data.items.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="holds-empty">
          Nenhuma promessa, contestação, acordo ou pausa: a régua segue normalmente.
        </Text>
      )}
      {holds.data && holds.data.items.length > 0 && (
        <Stack gap="xs">
          {holds.data.items.map((hold) => (
            <HoldRow key={hold.id} hold={hold} today={today} canWrite={canWrite} />
          ))}
        </Stack>
      )}
      <Modal
        opened={form !== null}
        onClose={() => setForm(null)}
        title={form ? FORMS[form].title : ''}
        centered
      >
        {form && <HoldForm kind={form} debtorId={debtorId} onDone={() => setForm(null)} />}
      </Modal>
    </Paper>
  );
}
