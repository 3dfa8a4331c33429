import { Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { formatCnpj, formatDate } from '../lib/format.ts';
import { Agreements } from './Agreements.tsx';
import type { PortalMe } from './api.ts';
import { Debts } from './Debts.tsx';
import { Offers } from './Offers.tsx';
import { HelpForm, OptOut, PromiseForm } from './Requests.tsx';
import { MUTED, Section } from './ui.tsx';

/** What the signed-in debtor sees and can do, one section after the other (phone first). */
export function Account({
  me,
  onReload,
  onSessionOver,
}: {
  me: PortalMe;
  onReload: () => void;
  onSessionOver: (detail: string) => void;
}) {
  const [justMadeId, setJustMadeId] = useState<number | null>(null);
  const owesNothing = me.debts.length === 0 && me.agreements.length === 0;
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Olá, {me.debtor.firstName}!
        </Title>
        <Text c={MUTED} data-testid="portal-creditor">
          Credor: <strong>{me.debtor.creditorName}</strong>, CNPJ {formatCnpj(me.debtor.creditorCnpj)}
        </Text>
        <Text c={MUTED}>Valores atualizados em {formatDate(me.asOf)}.</Text>
      </Stack>

      {owesNothing && (
        <Section title="Tudo em dia" testId="portal-nothing">
          <Text>Você não tem nada em aberto com {me.debtor.creditorName}. Obrigado!</Text>
        </Section>
      )}

      <Agreements me={me} justMadeId={justMadeId} />
      <Debts me={me} />
      <Offers
        me={me}
        onAccepted={(id) => {
          setJustMadeId(id);
          onReload();
        }}
        onReload={onReload}
        onSessionOver={onSessionOver}
      />
      {!owesNothing && (
        // A new debt or agreement suggests another amount: the form starts over.
        <PromiseForm
          key={`${me.totalCents}:${me.agreements.map((a) => a.id).join(',')}`}
          me={me}
          onSessionOver={onSessionOver}
        />
      )}
      <HelpForm me={me} onSessionOver={onSessionOver} />
      <OptOut me={me} onDone={onReload} onSessionOver={onSessionOver} />
    </Stack>
  );
}
