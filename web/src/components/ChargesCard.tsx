import {
  Accordion,
  Alert,
  Badge,
  Box,
  Button,
  CopyButton,
  Grid,
  Group,
  Image,
  Paper,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { endpoints, keys } from '../api/endpoints.ts';
import type { DebtorCharges, ReceivableCharge } from '../api/types.ts';
import { formatCents, formatDate } from '../lib/format.ts';
import { chargeKindLabel } from '../lib/labels.ts';
import { DateField } from './DateField.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * The QR code SVG our server made (qrcode package), shown as an image: an <img> never runs anything an
 * SVG might carry, unlike markup injected into the page.
 */
function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

function ReceivableLines({ receivable }: { receivable: ReceivableCharge }) {
  return (
    <Table verticalSpacing={4} data-testid="charge-components">
      <Table.Tbody>
        {receivable.components.map((component, index) => (
          <Table.Tr
            // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one calculation have no id and never move.
            key={index}
            data-testid="charge-component"
            data-kind={component.kind}
          >
            <Table.Td w={170} style={{ verticalAlign: 'top' }}>
              <Text size="sm" fw={500}>
                {chargeKindLabel(component.kind)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" data-testid="charge-explanation">
                {component.explanation}
              </Text>
            </Table.Td>
            <Table.Td ta="right" style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
              <Text size="sm" c={component.cents < 0 ? 'green.7' : undefined}>
                {formatCents(component.cents)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td colSpan={2}>
            <Text size="sm" fw={600}>
              Total atualizado deste título
            </Text>
          </Table.Td>
          <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
            <Text size="sm" fw={600}>
              {formatCents(receivable.totalCents)}
            </Text>
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function PixBlock({ pix }: { pix: NonNullable<DebtorCharges['pix']> }) {
  return (
    <Paper withBorder p="sm" data-testid="charges-pix">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
        Pix para pagar o total
      </Text>
      <Stack gap="xs" align="center">
        <Image
          src={svgDataUrl(pix.qrSvg)}
          alt="QR code Pix do valor atualizado"
          w={200}
          h={200}
          fit="contain"
          data-testid="charges-pix-qr"
        />
        <Box
          w="100%"
          p="xs"
          ff="monospace"
          fz="xs"
          bg="gray.0"
          style={{ wordBreak: 'break-all', borderRadius: 4 }}
          data-testid="charges-pix-code"
        >
          {pix.copiaECola}
        </Box>
        <CopyButton value={pix.copiaECola}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : 'blue'}
              onClick={copy}
              data-testid="charges-pix-copy"
            >
              {copied ? 'Copiado' : 'Copiar Pix copia e cola'}
            </Button>
          )}
        </CopyButton>
      </Stack>
    </Paper>
  );
}

/**
 * "Valor atualizado": what the debtor owes as of a date (today by default), each receivable broken
 * into principal, correção, multa, juros and desconto, with the same pt-BR explanation the debtor
 * sees, and the Pix to pay it when the creditor has a Pix key. The date (`asOf`) is the page's: the
 * offers are made for the same day.
 */
export function ChargesCard({
  debtorId,
  asOf,
  onAsOfChange,
}: {
  debtorId: number;
  asOf: string;
  onAsOfChange: (asOf: string) => void;
}) {
  const charges = useQuery({
    queryKey: keys.charges(debtorId, asOf),
    queryFn: () => endpoints.getDebtorCharges(debtorId, asOf),
    placeholderData: keepPreviousData,
  });
  const data = charges.data;

  return (
    <Paper withBorder p="md" data-testid="charges-card">
      <Group justify="space-between" align="flex-end" mb="sm">
        <Stack gap={2}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Valor atualizado
          </Text>
          {data && !data.error && (
            <Group gap="xs" align="baseline">
              <Text size="xl" fw={700} data-testid="charges-total">
                {formatCents(data.totalCents)}
              </Text>
              <Text size="sm" c="dimmed">
                em {formatDate(data.asOf)}
              </Text>
              {charges.isPlaceholderData && <Badge variant="light">atualizando…</Badge>}
            </Group>
          )}
        </Stack>
        <Box w={180}>
          <DateField
            label="Calcular para o dia"
            value={asOf}
            onChange={(iso) => {
              if (iso) onAsOfChange(iso);
            }}
            data-testid="charges-date"
          />
        </Box>
      </Group>

      {charges.isPending && <PageLoader />}
      {charges.isError && <ProblemAlert error={charges.error} title="Não foi possível calcular" />}
      {data?.error && (
        <Alert color="blue" variant="light" title="Valor atualizado indisponível" data-testid="charges-error">
          {data.error}
        </Alert>
      )}
      {data && !data.error && data.receivables.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="charges-empty">
          Nenhum título em aberto.
        </Text>
      )}
      {data && !data.error && data.receivables.length > 0 && (
        <Grid gap="md" style={{ opacity: charges.isPlaceholderData ? 0.6 : 1 }}>
          <Grid.Col span={{ base: 12, md: data.pix ? 8 : 12 }}>
            <Text size="sm" c="dimmed" mb="xs">
              Abra um título para ver como cada valor foi calculado: é a mesma explicação que o devedor
              recebe.
            </Text>
            <Accordion multiple variant="separated" chevronPosition="left">
              {data.receivables.map((receivable) => (
                <Accordion.Item
                  key={receivable.receivableId}
                  value={String(receivable.receivableId)}
                  data-testid="charge-receivable"
                >
                  <Accordion.Control>
                    <Group justify="space-between" wrap="nowrap">
                      <Stack gap={0}>
                        <Text size="sm" fw={600}>
                          {receivable.externalId}
                        </Text>
                        <Text size="xs" c="dimmed">
                          Vencimento {formatDate(receivable.dueDate)} · em aberto{' '}
                          {formatCents(receivable.openCents)}
                        </Text>
                      </Stack>
                      <Text size="sm" fw={600} data-testid="charge-receivable-total">
                        {formatCents(receivable.totalCents)}
                      </Text>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <ReceivableLines receivable={receivable} />
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          </Grid.Col>
          {data.pix && (
            <Grid.Col span={{ base: 12, md: 4 }}>
              <PixBlock pix={data.pix} />
            </Grid.Col>
          )}
        </Grid>
      )}
    </Paper>
  );
}
