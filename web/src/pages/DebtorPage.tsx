import {
  Anchor,
  Badge,
  Breadcrumbs,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { Debtor } from '../api/types.ts';
import { AgreementsCard } from '../components/AgreementsCard.tsx';
import { ChargesCard } from '../components/ChargesCard.tsx';
import { HoldsCard } from '../components/HoldsCard.tsx';
import { OffersCard } from '../components/OffersCard.tsx';
import { ContactsTimeline } from '../components/outbox/ContactsTimeline.tsx';
import { SkipsTable } from '../components/outbox/SkipsTable.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { ReceivablesPanel } from '../components/ReceivablesPanel.tsx';
import { ScoreCard } from '../components/ScoreCard.tsx';
import {
  formatAddressLines,
  formatCents,
  formatDateTime,
  formatDocument,
  formatPhone,
  todayInZone,
} from '../lib/format.ts';
import { channelLabel } from '../lib/labels.ts';
import { parseId } from '../lib/params.ts';
import { useSession } from '../session.tsx';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        {title}
      </Text>
      {children}
    </Paper>
  );
}

function ContactList({ label, values, optOuts }: { label: string; values: string[]; optOuts: string[] }) {
  return (
    <div>
      <Group gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {optOuts.map((channel) => (
          <Badge key={channel} size="xs" color="red" variant="light">
            Opt-out {channel}
          </Badge>
        ))}
      </Group>
      {values.length === 0 ? (
        <Text size="sm" c="dimmed">
          Não informado
        </Text>
      ) : (
        values.map((value) => (
          <Text size="sm" key={value} c={optOuts.length > 0 ? 'dimmed' : undefined}>
            {value}
          </Text>
        ))
      )}
    </div>
  );
}

/** Labels of the given channels the debtor opted out of (LGPD / Código de Defesa do Consumidor). */
function optOuts(debtor: Debtor, channels: string[]): string[] {
  return channels.filter((c) => Boolean(debtor.channelPreferences[c]?.optedOutAt)).map(channelLabel);
}

/** The updated value and the offers, both for the same day (today unless another one is chosen). */
function ValueAndOffers({ debtorId }: { debtorId: number }) {
  const session = useSession();
  const [asOf, setAsOf] = useState(() => todayInZone(session.organization.timeZone));
  return (
    <>
      <ChargesCard debtorId={debtorId} asOf={asOf} onAsOfChange={setAsOf} />
      <OffersCard debtorId={debtorId} asOf={asOf} />
    </>
  );
}

export function DebtorPage() {
  const id = parseId(useParams().id);
  const session = useSession();
  const debtor = useQuery({
    queryKey: keys.debtor(id ?? 0),
    queryFn: () => endpoints.getDebtor(id ?? 0),
    enabled: id !== null,
  });
  const creditorId = debtor.data?.creditorId;
  const creditor = useQuery({
    queryKey: keys.creditor(creditorId ?? 0),
    queryFn: () => endpoints.getCreditor(creditorId ?? 0),
    enabled: creditorId !== undefined,
  });

  if (id === null) return <ProblemAlert error={new Error('Identificador de devedor inválido.')} />;
  if (debtor.isPending) return <PageLoader />;
  if (debtor.isError) return <ProblemAlert error={debtor.error} />;

  const d = debtor.data;
  const address = formatAddressLines(d.address);
  const preferences = Object.entries(d.channelPreferences).filter(
    (entry): entry is [string, NonNullable<(typeof entry)[1]>] => entry[1] !== undefined && entry[1] !== null,
  );
  const tz = session.organization.timeZone;

  return (
    <Stack>
      <title>{`${d.name} · Régua`}</title>
      <Breadcrumbs>
        <Anchor component={Link} to="/">
          Carteiras
        </Anchor>
        <Anchor component={Link} to={`/creditors/${d.creditorId}`}>
          {creditor.data?.legalName ?? 'Carteira'}
        </Anchor>
        <Text>{d.name}</Text>
      </Breadcrumbs>

      <Group justify="space-between" align="flex-start">
        <Stack gap={4} data-testid="debtor-header">
          <Title order={2}>{d.name}</Title>
          <Group gap="xs">
            <Text data-testid="debtor-document">{formatDocument(d.document)}</Text>
            <Badge variant="outline" color={d.kind === 'person' ? 'blue' : 'grape'}>
              {d.kind === 'person' ? 'Pessoa física' : 'Pessoa jurídica'}
            </Badge>
          </Group>
          {d.tags.length > 0 && (
            <Group gap={4} data-testid="debtor-tags">
              {d.tags.map((tag) => (
                <Badge key={tag} variant="light" color="gray" size="sm">
                  {tag}
                </Badge>
              ))}
            </Group>
          )}
        </Stack>
        <Paper withBorder p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Em aberto
          </Text>
          <Text size="lg" fw={600}>
            {formatCents(d.openCents)}
          </Text>
          <Text size="xs" c="dimmed">
            {d.receivablesCount === 1 ? '1 título' : `${d.receivablesCount} títulos`}
          </Text>
        </Paper>
      </Group>

      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Section title="Endereço" testId="debtor-address">
          {address.length === 0 ? (
            <Text size="sm" c="dimmed">
              Não informado
            </Text>
          ) : (
            address.map((line) => (
              <Text size="sm" key={line}>
                {line}
              </Text>
            ))
          )}
        </Section>
        <Section title="Contatos" testId="debtor-contacts">
          <Stack gap="xs">
            <ContactList label="E-mails" values={d.emails} optOuts={optOuts(d, ['email'])} />
            <ContactList
              label="Telefones"
              values={d.phones.map(formatPhone)}
              optOuts={optOuts(d, ['sms', 'voice', 'phone'])}
            />
            <ContactList
              label="WhatsApp"
              values={d.whatsapp ? [formatPhone(d.whatsapp)] : []}
              optOuts={optOuts(d, ['whatsapp'])}
            />
          </Stack>
        </Section>
        <Section title="Preferências de contato" testId="debtor-preferences">
          {preferences.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nenhuma preferência registrada.
            </Text>
          ) : (
            <Stack gap={6}>
              {preferences.map(([channel, pref]) => (
                <Group key={channel} gap="xs" wrap="nowrap" align="baseline">
                  <Text size="sm" fw={500} miw={80}>
                    {channelLabel(channel)}
                  </Text>
                  {pref.optedOutAt ? (
                    <Badge color="red" variant="light" size="sm">
                      Opt-out em {formatDateTime(pref.optedOutAt, tz)}
                    </Badge>
                  ) : pref.consentAt ? (
                    <Badge color="green" variant="light" size="sm">
                      Consentimento em {formatDateTime(pref.consentAt, tz)}
                    </Badge>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Group>
              ))}
            </Stack>
          )}
        </Section>
      </SimpleGrid>

      <ValueAndOffers key={`charges-${d.id}`} debtorId={d.id} />

      <AgreementsCard key={`agreements-${d.id}`} debtorId={d.id} />

      <HoldsCard key={`holds-${d.id}`} debtorId={d.id} />

      <ScoreCard key={`score-${d.id}`} debtorId={d.id} />

      <Tabs defaultValue="titulos" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="titulos" data-testid="debtor-tab-receivables">
            <Text fw={600}>Títulos</Text>
          </Tabs.Tab>
          <Tabs.Tab value="contatos" data-testid="debtor-tab-contacts">
            <Text fw={600}>Contatos</Text>
          </Tabs.Tab>
          <Tabs.Tab value="nao-planejados" data-testid="debtor-tab-skips">
            <Text fw={600}>Não planejados</Text>
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="titulos">
          <ReceivablesPanel key={d.id} debtorId={d.id} showDebtor={false} />
        </Tabs.Panel>
        <Tabs.Panel value="contatos">
          <ContactsTimeline key={d.id} debtorId={d.id} />
        </Tabs.Panel>
        <Tabs.Panel value="nao-planejados">
          <Text size="sm" c="dimmed" mb="sm">
            Etapas da régua que venceram para os títulos deste devedor mas não viraram contato, com o motivo.
          </Text>
          <SkipsTable key={d.id} filters={{ debtorId: d.id }} showDebtor={false} showDate />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
