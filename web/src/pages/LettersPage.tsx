import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { downloads, endpoints, keys } from '../api/endpoints.ts';
import { CsvExportButton } from '../components/CsvExportButton.tsx';
import { DateField } from '../components/DateField.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatCep, formatDate, formatDateTime, plural, todayInZone } from '../lib/format.ts';
import { PURPOSE_LABELS } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';
import { canPrintLetters, useSession } from '../session.tsx';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The letters the régua sent on a day: the batch the team prints and mails, and its manifest. */
export function LettersPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const tz = session.organization.timeZone;
  const today = todayInZone(tz);
  const dateParam = params.get('date') ?? '';
  const date = DATE_RE.test(dateParam) ? dateParam : today;
  const creditorId = parseId(params.get('creditorId'));
  const allowed = canPrintLetters(session);
  const setParam = (name: string, value: string | null) =>
    editSearchParams(setParams, (next) => {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    });

  const creditors = useQuery({
    queryKey: keys.creditors,
    queryFn: endpoints.listCreditors,
    enabled: allowed,
  });
  const letters = useQuery({
    queryKey: keys.letters(date, creditorId),
    queryFn: () => endpoints.listLetters(date, creditorId),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });
  const creditorOptions = (creditors.data?.items ?? []).map((c) => ({
    value: String(c.id),
    label: c.legalName,
  }));
  const items = letters.data?.date === date ? letters.data.items : [];
  const notices = items.filter((l) => l.purpose === 'prior_notice').length;
  const none = letters.isSuccess && !letters.isPlaceholderData && items.length === 0;

  if (!allowed)
    return (
      <Stack>
        <title>Cartas · Régua</title>
        <Title order={2}>Cartas</Title>
        <Alert color="gray" variant="light" title="Acesso restrito" data-testid="letters-forbidden">
          Apenas gestores e administradores imprimem as cartas.
        </Alert>
      </Stack>
    );

  return (
    <Stack maw={1100}>
      <title>Cartas · Régua</title>
      <div>
        <Title order={2}>Cartas</Title>
        <Text c="dimmed" size="sm">
          As cartas que a régua enviou no dia: o lote que a equipe imprime e posta.
        </Text>
      </div>

      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <DateField
            label="Data de envio"
            value={date}
            onChange={(iso) => {
              if (iso) setParam('date', iso === today ? null : iso);
            }}
            data-testid="letters-date"
          />
          <Select
            label="Carteira"
            placeholder="Todas"
            data={creditorOptions}
            value={creditorId === null ? null : String(creditorId)}
            onChange={(value) => setParam('creditorId', value)}
            clearable
            searchable
            data-testid="letters-creditor"
          />
        </SimpleGrid>
      </Paper>

      <Alert color="yellow" variant="light" title="Poste o lote no mesmo dia" data-testid="letters-note">
        As cartas deste lote contam como enviadas em {formatDate(date)}: é essa data que vale como prova da
        notificação prévia exigida antes da negativação (CDC art. 43, § 2º), e o prazo da notificação corre a
        partir dela. Imprima e poste o lote em {formatDate(date)}.
      </Alert>

      <Group justify="space-between" align="center">
        <Text size="sm" data-testid="letters-count">
          {letters.isSuccess
            ? `${plural(items.length, 'carta', 'cartas')} em ${formatDate(date)}${
                notices > 0 ? ` (${plural(notices, 'notificação prévia', 'notificações prévias')})` : ''
              }`
            : ' '}
        </Text>
        <Group gap="xs">
          <Button
            component="a"
            href={downloads.lettersPdf(date, creditorId)}
            download
            disabled={items.length === 0}
            data-testid="letters-pdf"
          >
            Baixar PDF para impressão
          </Button>
          <Button
            component="a"
            variant="light"
            href={downloads.lettersCsv(date, creditorId)}
            download
            disabled={items.length === 0}
            data-testid="letters-csv"
          >
            Manifesto de postagem (CSV)
          </Button>
          <CsvExportButton
            path="/api/v1/letters/export.csv"
            query={{ date, creditorId }}
            filename={`cartas-${date}.csv`}
            disabled={items.length === 0}
            size="sm"
            data-testid="letters-list-csv"
          />
        </Group>
      </Group>

      {letters.isPending && <PageLoader />}
      {letters.isError && <ProblemAlert error={letters.error} />}
      {none && (
        <Text c="dimmed" data-testid="letters-empty">
          Nenhuma carta enviada em {formatDate(date)}.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table
            striped
            verticalSpacing="xs"
            data-testid="letters-table"
            style={{ opacity: letters.isPlaceholderData ? 0.6 : 1 }}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Destinatário</Table.Th>
                <Table.Th>Tipo</Table.Th>
                <Table.Th>Cidade</Table.Th>
                <Table.Th>CEP</Table.Th>
                <Table.Th>Enviada em</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((letter) => (
                <Table.Tr key={letter.messageId} data-testid="letter-row">
                  <Table.Td>{letter.debtorName}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={letter.purpose === 'prior_notice' ? 'grape' : 'gray'}
                      tt="none"
                    >
                      {PURPOSE_LABELS[letter.purpose] ?? letter.purpose}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{letter.city ?? '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatCep(letter.cep) || '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(letter.sentAt, tz)}</Table.Td>
                  <Table.Td ta="right">
                    <Anchor
                      href={downloads.letterPdf(letter.messageId)}
                      target="_blank"
                      rel="noopener"
                      size="sm"
                    >
                      Ver carta
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
