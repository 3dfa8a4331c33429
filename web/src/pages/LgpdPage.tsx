import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, type DownloadedFile, saveFile } from '../api/client.ts';
import { endpoints } from '../api/endpoints.ts';
import type { LgpdAnonymizeResult } from '../api/types.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatDocument, plural } from '../lib/format.ts';
import { lgpdStatusColor, lgpdStatusLabel } from '../lib/labels.ts';
import { canManageLgpd, useSession } from '../session.tsx';

/** Digits (and the letters of the 2026 alphanumeric CNPJ), upper case: what goes in the URL. */
export function normalizeSubjectDocument(value: string): string {
  return value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

/** The shape of a CPF (11 digits) or CNPJ (12 letters/digits + 2 check digits); the server checks the digits. */
export function looksLikeDocument(document: string): boolean {
  return /^\d{11}$/.test(document) || /^[0-9A-Z]{12}\d{2}$/.test(document);
}

/** The server's 400 about the document is in English: say it in Portuguese. */
function LgpdError({ error, title }: { error: unknown; title: string }) {
  if (error instanceof ApiError && error.status === 400 && /cpf|cnpj/i.test(error.problem.detail ?? '')) {
    return (
      <Alert color="red" variant="light" title={title} data-testid="lgpd-error">
        CPF ou CNPJ inválido: confira os dígitos verificadores.
      </Alert>
    );
  }
  return <ProblemAlert error={error} title={title} />;
}

/** What the JSON export held, counted, so the page can say whether the subject was found. */
async function summarizeExport(file: DownloadedFile): Promise<{ controllers: number; rejectedRows: number }> {
  try {
    const data = JSON.parse(await file.blob.text()) as {
      controllers?: unknown;
      rejectedImportRows?: unknown;
    };
    return {
      controllers: Array.isArray(data.controllers) ? data.controllers.length : 0,
      rejectedRows: Array.isArray(data.rejectedImportRows) ? data.rejectedImportRows.length : 0,
    };
  } catch {
    return { controllers: 0, rejectedRows: 0 };
  }
}

/** LGPD art. 18 requests from a data subject: access (export) and elimination (anonymization). */
export function LgpdPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [input, setInput] = useState('');
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const document = normalizeSubjectDocument(input);
  const valid = looksLikeDocument(document);

  const exportJson = useMutation({
    mutationFn: async (doc: string) => {
      const file = await endpoints.exportSubjectJson(doc);
      saveFile(file);
      return { document: doc, filename: file.filename, ...(await summarizeExport(file)) };
    },
  });
  const exportPdf = useMutation({
    mutationFn: async (doc: string) => {
      const file = await endpoints.exportSubjectPdf(doc);
      saveFile(file);
      return { document: doc, filename: file.filename };
    },
  });
  const anonymize = useMutation({
    mutationFn: endpoints.anonymizeSubject,
    onSuccess: async () => {
      setConfirming(false);
      // Names and contacts changed everywhere they are shown.
      await queryClient.invalidateQueries({
        predicate: (query) =>
          ['debtors', 'receivables', 'messages', 'worklist'].includes(String(query.queryKey[0])),
      });
    },
  });

  if (!canManageLgpd(session)) {
    return (
      <Alert color="red" variant="light" title="Acesso negado" data-testid="lgpd-forbidden">
        Somente administradores atendem pedidos de titulares (LGPD).
      </Alert>
    );
  }

  const busy = exportJson.isPending || exportPdf.isPending || anonymize.isPending;
  const showInvalid = touched && input.trim() !== '' && !valid;

  const onChange = (value: string) => {
    setInput(value);
    setTouched(false);
    exportJson.reset();
    exportPdf.reset();
    anonymize.reset();
  };

  const run = (action: 'json' | 'pdf' | 'anonymize') => {
    setTouched(true);
    if (!valid) return;
    if (action === 'json') exportJson.mutate(document);
    else if (action === 'pdf') exportPdf.mutate(document);
    else setConfirming(true);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run('json');
  };

  return (
    <Stack maw={960}>
      <title>LGPD · Régua</title>
      <Title order={2}>LGPD — pedidos do titular</Title>
      <Text size="sm" c="dimmed" data-testid="lgpd-intro">
        Atende os pedidos do titular do art. 18 da LGPD: acesso (exportar tudo o que guardamos sobre um
        CPF/CNPJ) e eliminação (anonimizar), por carteira.
        <br />
        Com dívida em aberto, os dados são mantidos; encerrada, os contatos são apagados e os registros
        financeiros ficam por 5 anos após o encerramento (retenção legal) antes da anonimização completa.
      </Text>

      <Paper withBorder p="md">
        <form onSubmit={onSubmit} noValidate data-testid="lgpd-form">
          <Stack>
            <TextInput
              label="CPF ou CNPJ do titular"
              description="Com ou sem pontuação."
              placeholder="000.000.000-00 ou 00.000.000/0000-00"
              value={input}
              onChange={(event) => onChange(event.currentTarget.value)}
              onBlur={() => setTouched(true)}
              error={showInvalid ? 'Informe um CPF (11 dígitos) ou CNPJ (14 caracteres).' : undefined}
              maw={360}
              data-testid="lgpd-document"
            />
            <Group>
              <Button
                type="submit"
                variant="light"
                loading={exportJson.isPending}
                disabled={busy && !exportJson.isPending}
                data-testid="lgpd-export-json"
              >
                Exportar dados (JSON)
              </Button>
              <Button
                variant="light"
                onClick={() => run('pdf')}
                loading={exportPdf.isPending}
                disabled={busy && !exportPdf.isPending}
                data-testid="lgpd-export-pdf"
              >
                Exportar dados (PDF)
              </Button>
              <Button
                color="red"
                onClick={() => run('anonymize')}
                loading={anonymize.isPending}
                disabled={busy && !anonymize.isPending}
                data-testid="lgpd-anonymize"
              >
                Anonimizar
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>

      {exportJson.isError && <LgpdError error={exportJson.error} title="Não foi possível exportar (JSON)" />}
      {exportPdf.isError && <LgpdError error={exportPdf.error} title="Não foi possível exportar (PDF)" />}
      {anonymize.isError && !confirming && (
        <LgpdError error={anonymize.error} title="Não foi possível anonimizar" />
      )}

      {exportJson.isSuccess && (
        <Alert color="blue" variant="light" data-testid="lgpd-export-done">
          {exportJson.data.controllers === 0
            ? `Nenhum dado de ${formatDocument(exportJson.data.document)} nesta organização. O arquivo ${exportJson.data.filename} registra a busca.`
            : `Arquivo ${exportJson.data.filename} baixado: dados de ${formatDocument(exportJson.data.document)} em ${plural(exportJson.data.controllers, 'carteira', 'carteiras')}${exportJson.data.rejectedRows > 0 ? ` e ${plural(exportJson.data.rejectedRows, 'linha recusada', 'linhas recusadas')} de importação` : ''}.`}{' '}
          A exportação fica registrada na trilha de auditoria.
        </Alert>
      )}
      {exportPdf.isSuccess && (
        <Alert color="blue" variant="light" data-testid="lgpd-export-pdf-done">
          Arquivo {exportPdf.data.filename} baixado. A exportação fica registrada na trilha de auditoria.
        </Alert>
      )}

      {anonymize.isSuccess && <AnonymizeResult result={anonymize.data} />}

      <Modal
        opened={confirming}
        onClose={() => !anonymize.isPending && setConfirming(false)}
        title="Anonimizar titular?"
        centered
      >
        <Stack data-testid="lgpd-confirm">
          <Text size="sm">
            Anonimizar <strong>{formatDocument(document)}</strong> em todas as carteiras desta organização.
            Esta ação não pode ser desfeita.
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>
              Dívida encerrada: e-mails, telefones, WhatsApp e endereço são apagados; títulos, pagamentos e
              notificações ficam guardados por 5 anos após o encerramento, como exige a lei.
            </List.Item>
            <List.Item>
              Passados os 5 anos: nome e documento também são apagados (anonimização completa).
            </List.Item>
            <List.Item>
              Dívida em aberto: os dados seguem necessários para a cobrança e são mantidos.
            </List.Item>
          </List>
          <Text size="sm">O resultado mostra o que foi feito em cada carteira, com o motivo.</Text>
          {anonymize.isError && <LgpdError error={anonymize.error} title="Não foi possível anonimizar" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={anonymize.isPending}>
              Cancelar
            </Button>
            <Button
              color="red"
              onClick={() => anonymize.mutate(document)}
              loading={anonymize.isPending}
              data-testid="lgpd-confirm-anonymize"
            >
              Anonimizar definitivamente
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function AnonymizeResult({ result }: { result: LgpdAnonymizeResult }) {
  const count = (status: string) => result.debtors.filter((d) => d.status === status).length;
  const summary = [
    [count('anonymized'), 'anonimizado', 'anonimizados'],
    [count('contacts_erased'), 'com contatos apagados', 'com contatos apagados'],
    [count('kept'), 'mantido', 'mantidos'],
  ] as const;
  return (
    <Paper withBorder p="md" data-testid="lgpd-result">
      <Text fw={600} mb={4}>
        Resultado para {formatDocument(result.document)}
      </Text>
      {result.debtors.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="lgpd-result-empty">
          Nenhum cadastro com este documento nesta organização: nada a anonimizar.
        </Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            {summary
              .filter(([n]) => n > 0)
              .map(([n, one, many]) => plural(n, `cadastro ${one}`, `cadastros ${many}`))
              .join('; ')}
            .
          </Text>
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="sm" data-testid="lgpd-result-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Carteira</Table.Th>
                  <Table.Th>Cadastro</Table.Th>
                  <Table.Th>Situação</Table.Th>
                  <Table.Th w="50%">Motivo</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.debtors.map((d) => (
                  <Table.Tr key={d.debtorId} data-testid="lgpd-result-row" data-status={d.status}>
                    <Table.Td>{d.creditor || '—'}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/debtors/${d.debtorId}`} size="sm">
                        Devedor nº {d.debtorId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={lgpdStatusColor(d.status)} variant="light">
                        {lgpdStatusLabel(d.status)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{d.reason || '—'}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Paper>
  );
}
