/**
 * "Remessas" (permission payments:import): the CNAB 240 files that register the agreements' boletos
 * with the bank (and write off the cancelled ones). "Gerar remessa" takes every boleto waiting; the
 * titles the bank would refuse are listed with why, and wait for the next file once fixed.
 */
import { Alert, Anchor, Button, Group, List, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import { downloads, endpoints, keys } from '../api/endpoints.ts';
import type { Remessa, RemessaOutcome } from '../api/types.ts';
import { formatCents, formatDateTime, formatInteger, plural } from '../lib/format.ts';
import { actorLabel } from '../lib/labels.ts';
import { useSession } from '../session.tsx';
import { CsvExportButton } from './CsvExportButton.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** "2 boletos para registrar e 1 boleto para baixar" */
export function remessaHeadline(outcome: Pick<RemessaOutcome, 'registered' | 'writtenOff'>): string {
  const parts = [
    outcome.registered > 0
      ? plural(outcome.registered, 'boleto para registrar', 'boletos para registrar')
      : null,
    outcome.writtenOff > 0 ? plural(outcome.writtenOff, 'boleto para baixar', 'boletos para baixar') : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(' e ') : 'Nenhum boleto';
}

/** "título AC2-1/1: CEP do pagador inválido" → "CEP do pagador inválido" (the row names the title). */
export function withoutTitlePrefix(problem: string, seuNumero: string): string {
  const prefix = `título ${seuNumero}: `;
  return problem.startsWith(prefix) ? problem.slice(prefix.length) : problem;
}

function DownloadLink({ remessa }: { remessa: Pick<Remessa, 'id' | 'filename'> }) {
  return (
    <Anchor
      href={downloads.remessaFile(remessa.id)}
      download={remessa.filename}
      data-testid="remessa-download"
    >
      {remessa.filename}
    </Anchor>
  );
}

function Outcome({ outcome }: { outcome: RemessaOutcome }) {
  return (
    <Stack gap="xs" data-testid="remessa-outcome" data-nsa={outcome.nsa}>
      <Alert color="green" variant="light" title={`Remessa nº ${formatInteger(outcome.nsa)} gerada`}>
        <Stack gap={4}>
          <Text size="sm" data-testid="remessa-outcome-headline">
            {remessaHeadline(outcome)} · {plural(outcome.titles, 'título', 'títulos')} no arquivo ·{' '}
            {formatCents(outcome.totalCents)}
          </Text>
          <Text size="sm">
            Baixe o arquivo <DownloadLink remessa={outcome} /> e envie ao banco: os boletos só valem depois de
            registrados.
          </Text>
        </Stack>
      </Alert>
      {outcome.refused.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          title={`${plural(outcome.refused.length, 'título ficou fora', 'títulos ficaram fora')} desta remessa`}
          data-testid="remessa-refused"
        >
          <Text size="sm" mb="xs">
            O banco recusaria estes títulos. Corrija o cadastro do devedor e gere outra remessa: eles entram
            na próxima.
          </Text>
          <Table verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={160}>Seu número</Table.Th>
                <Table.Th>Problemas</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outcome.refused.map((title) => (
                <Table.Tr key={title.seuNumero} data-testid="remessa-refused-title">
                  <Table.Td data-testid="remessa-refused-number">{title.seuNumero}</Table.Td>
                  <Table.Td>
                    <List size="sm">
                      {title.problems.map((problem) => (
                        <List.Item key={problem} data-testid="remessa-refused-problem">
                          {withoutTitlePrefix(problem, title.seuNumero)}
                        </List.Item>
                      ))}
                    </List>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Alert>
      )}
    </Stack>
  );
}

/** Render for admins and managers (permission payments:import). */
export function RemessasCard({ creditorId }: { creditorId: number }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const remessas = useQuery({
    queryKey: keys.remessas(creditorId),
    queryFn: () => endpoints.listRemessas(creditorId),
  });
  const generate = useMutation({
    mutationFn: () => endpoints.generateRemessa(creditorId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.remessas(creditorId) }),
  });
  // 409: nothing waits to be registered or written off (the server's words, shown as they are).
  const nothingToSend =
    generate.error instanceof ApiError && generate.error.status === 409 ? generate.error.problem : null;
  const items = remessas.data?.items ?? [];

  return (
    <Paper withBorder p="md" data-testid="remessas-card">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Remessas de boletos
            </Text>
            <Text size="sm" c="dimmed" maw={720}>
              Arquivo CNAB 240 para o banco com os boletos dos acordos a registrar e os de acordos cancelados
              a baixar. Cada boleto entra em uma remessa só.
            </Text>
          </Stack>
          <Button
            onClick={() => generate.mutate()}
            loading={generate.isPending}
            data-testid="remessa-generate"
          >
            Gerar remessa
          </Button>
        </Group>

        {nothingToSend && (
          <Alert color="blue" variant="light" data-testid="remessa-nothing">
            {nothingToSend.detail ?? 'Não há boletos a registrar nem a baixar.'}
          </Alert>
        )}
        {generate.isError && nothingToSend === null && (
          <ProblemAlert error={generate.error} title="Não foi possível gerar a remessa" />
        )}
        {generate.data && <Outcome outcome={generate.data} />}

        {remessas.isPending && <PageLoader />}
        {remessas.isError && (
          <ProblemAlert error={remessas.error} title="Não foi possível carregar as remessas" />
        )}
        {remessas.isSuccess && items.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="remessas-empty">
            Nenhuma remessa gerada ainda.
          </Text>
        )}
        {items.length > 0 && (
          <Group justify="flex-end">
            <CsvExportButton
              path={`/api/v1/creditors/${creditorId}/remessas/export.csv`}
              filename="remessas.csv"
              data-testid="remessas-csv"
            />
          </Group>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing={4} data-testid="remessas-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>NSA</Table.Th>
                  <Table.Th>Arquivo</Table.Th>
                  <Table.Th ta="right">Títulos</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th>Gerada por</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((remessa) => (
                  <Table.Tr key={remessa.id} data-testid="remessa-row" data-id={remessa.id}>
                    <Table.Td>{formatInteger(remessa.nsa)}</Table.Td>
                    <Table.Td>
                      <DownloadLink remessa={remessa} />
                    </Table.Td>
                    <Table.Td ta="right">{formatInteger(remessa.titles)}</Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatCents(remessa.totalCents)}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{actorLabel(remessa.createdBy, session.user)}</Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(remessa.createdAt, session.organization.timeZone)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
