import { Button, Group, NumberInput, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formatCents, formatDate } from '../lib/format.ts';
import { channelLabel } from '../lib/labels.ts';
import { isStatus, type OptOutChannel, type PortalMe, portalApi, portalMessage } from './api.ts';
import { ACCENT, ErrorMessage, LiveMessage, MUTED, Section } from './ui.tsx';

/** Where a session that ended while the debtor was acting sends them: back to the start. */
type SessionOver = (detail: string) => void;

function onUnauthorized(onSessionOver: SessionOver) {
  return (error: Error) => {
    if (isStatus(error, 401)) onSessionOver(portalMessage(error));
  };
}

/** What the debtor still owes: outside agreements, else the next agreement payment. */
function suggestedCents(me: PortalMe): number | undefined {
  if (me.totalCents > 0) return me.totalCents;
  for (const agreement of me.agreements)
    for (const i of agreement.installments)
      if (i.status === 'open' || i.status === 'partially_paid') return i.openCents;
  return undefined;
}

/** "Prometer pagamento": a date (today up to promiseMaxDate) and an amount; the cadence waits. */
export function PromiseForm({ me, onSessionOver }: { me: PortalMe; onSessionOver: SessionOver }) {
  const [date, setDate] = useState('');
  const [cents, setCents] = useState<number | undefined>(() => suggestedCents(me));
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const promise = useMutation({
    mutationFn: (input: { date: string; amountCents: number }) => portalApi.promise(input),
    onSuccess: (result, input) =>
      setDone(
        `Combinado! Anotamos sua promessa de pagar ${formatCents(input.amountCents)} até ${formatDate(result.untilDate)}. Obrigado por avisar.`,
      ),
    onError: onUnauthorized(onSessionOver),
  });
  const dateError = !tried
    ? undefined
    : date === ''
      ? 'Escolha a data.'
      : date < me.asOf || date > me.promiseMaxDate
        ? `Escolha uma data entre hoje e ${formatDate(me.promiseMaxDate)}.`
        : undefined;
  const amountError = tried && !cents ? 'Informe o valor.' : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    setDone(null);
    if (date === '' || date < me.asOf || date > me.promiseMaxDate || !cents) return;
    promise.mutate({ date, amountCents: cents });
  };

  return (
    <Section title="Prometer pagamento" testId="portal-promise">
      <Text>Ainda não dá para pagar hoje? Diga quando vai pagar e a gente espera.</Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            type="date"
            label="Data do pagamento"
            description={`Até ${formatDate(me.promiseMaxDate)}.`}
            min={me.asOf}
            max={me.promiseMaxDate}
            value={date}
            onChange={(event) => setDate(event.currentTarget.value)}
            size="md"
            required
            error={dateError}
            styles={{ description: { color: 'var(--mantine-color-gray-7)' } }}
          />
          <NumberInput
            label="Valor que você vai pagar"
            prefix="R$ "
            decimalSeparator=","
            thousandSeparator="."
            decimalScale={2}
            fixedDecimalScale
            min={0}
            allowNegative={false}
            inputMode="decimal"
            hideControls
            size="md"
            required
            error={amountError}
            // Display only: reais as a float are converted back to integer centavos right away.
            value={cents === undefined ? '' : cents / 100}
            onChange={(next) =>
              setCents(next === '' || next === null ? undefined : Math.round(Number(next) * 100))
            }
          />
          <ErrorMessage message={promise.isError ? portalMessage(promise.error) : null} />
          <LiveMessage message={done} testId="portal-promise-done" />
          <Button type="submit" size="lg" fullWidth color={ACCENT} loading={promise.isPending}>
            Prometer pagamento
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

/** "Preciso de ajuda": a message and, optionally, a phone; a collector calls back. */
export function HelpForm({ me, onSessionOver }: { me: PortalMe; onSessionOver: SessionOver }) {
  const [message, setMessage] = useState('');
  const [phone, setPhone] = useState('');
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const hasPhone = me.contacts.some((c) => c.channel === 'sms' || c.channel === 'whatsapp');
  const help = useMutation({
    mutationFn: (input: { message: string; phone?: string }) => portalApi.help(input),
    onSuccess: (_result, input) => {
      setDone(
        input.phone || hasPhone
          ? 'Pedido enviado! Um atendente vai ligar para você.'
          : 'Pedido enviado! Um atendente vai responder pelo seu e-mail.',
      );
      setMessage('');
      setPhone('');
      setTried(false);
    },
    onError: onUnauthorized(onSessionOver),
  });
  const short = message.trim().length < 3;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    setDone(null);
    if (short) return;
    const trimmed = phone.trim();
    help.mutate(trimmed ? { message: message.trim(), phone: trimmed } : { message: message.trim() });
  };

  return (
    <Section title="Preciso de ajuda" testId="portal-help">
      <Text>Tem uma dúvida ou quer negociar de outro jeito? Conte para a gente.</Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Textarea
            label="Como podemos ajudar?"
            value={message}
            onChange={(event) => setMessage(event.currentTarget.value)}
            maxLength={1000}
            autosize
            minRows={3}
            size="md"
            required
            error={tried && short ? 'Escreva sua mensagem.' : undefined}
          />
          <TextInput
            type="tel"
            label="Telefone para a gente ligar (opcional)"
            description={hasPhone ? 'Se não informar, ligamos para o número que já temos.' : undefined}
            value={phone}
            onChange={(event) => setPhone(event.currentTarget.value)}
            inputMode="tel"
            autoComplete="tel"
            maxLength={30}
            size="md"
            styles={{ description: { color: 'var(--mantine-color-gray-7)' } }}
          />
          <ErrorMessage message={help.isError ? portalMessage(help.error) : null} />
          <LiveMessage message={done} testId="portal-help-done" />
          <Button type="submit" size="lg" fullWidth color={ACCENT} loading={help.isPending}>
            Pedir ajuda
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

const OPT_OUT_CHANNELS: readonly OptOutChannel[] = ['email', 'sms', 'whatsapp'];

function channelName(channel: OptOutChannel): string {
  return channel === 'email' ? 'e-mail' : channelLabel(channel);
}

/** "Não quero mais receber por SMS/e-mail/WhatsApp", each after a confirmation. */
export function OptOut({
  me,
  onDone,
  onSessionOver,
}: {
  me: PortalMe;
  onDone: () => void;
  onSessionOver: SessionOver;
}) {
  const [confirming, setConfirming] = useState<OptOutChannel | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const channels = OPT_OUT_CHANNELS.filter((channel) => me.contacts.some((c) => c.channel === channel));
  const optOut = useMutation({
    mutationFn: (channel: OptOutChannel) => portalApi.optOut(channel),
    onSuccess: (_result, channel) => {
      setConfirming(null);
      setDone(`Pronto: você não vai mais receber mensagens de cobrança por ${channelName(channel)}.`);
      onDone();
    },
    onError: onUnauthorized(onSessionOver),
  });
  if (channels.length === 0 && !done) return null;
  return (
    <Section title="Mensagens de cobrança" testId="portal-opt-out">
      <Text>
        Você pode escolher não receber mais nossas mensagens por um canal. Este portal continua disponível
        pelo link que você recebeu.
      </Text>
      <LiveMessage message={done} testId="portal-opt-out-done" />
      <ErrorMessage message={optOut.isError ? portalMessage(optOut.error) : null} />
      {channels.map((channel) =>
        confirming === channel ? (
          <Stack
            key={channel}
            gap="xs"
            p="sm"
            bg="gray.0"
            style={{ borderRadius: 8, border: '1px solid var(--mantine-color-gray-4)' }}
          >
            <Text fw={600}>Parar as mensagens por {channelName(channel)}?</Text>
            {channels.length === 1 && (
              <Text size="sm" c={MUTED}>
                É o último contato que temos para enviar o código de acesso: sem ele, você não conseguirá
                entrar de novo neste portal.
              </Text>
            )}
            <Group grow>
              <Button
                size="md"
                variant="default"
                onClick={() => setConfirming(null)}
                disabled={optOut.isPending}
              >
                Cancelar
              </Button>
              <Button
                size="md"
                color="red.9"
                loading={optOut.isPending}
                onClick={() => optOut.mutate(channel)}
              >
                Sim, parar
              </Button>
            </Group>
          </Stack>
        ) : (
          <Button
            key={channel}
            size="md"
            variant="outline"
            color="gray.8"
            fullWidth
            onClick={() => {
              setDone(null);
              setConfirming(channel);
            }}
          >
            Não quero mais receber por {channelName(channel)}
          </Button>
        ),
      )}
    </Section>
  );
}
