import {
  Anchor,
  Breadcrumbs,
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import { ImportResult } from '../components/ImportResult.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatBytes, formatCnpj, formatPercent } from '../lib/format.ts';
import { editSearchParams, parseId } from '../lib/params.ts';

const ACCEPT = '.csv,.txt,.json';

export function NewImportPage() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });

  const creditorId = parseId(params.get('creditorId'));
  const [file, setFile] = useState<File | null>(null);
  const [uploadProgress, setUploadProgress] = useState(0);
  const [importId, setImportId] = useState<number | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  const upload = useMutation({
    mutationFn: ({ creditor, chosen }: { creditor: number; chosen: File }) => {
      const controller = new AbortController();
      abortRef.current = controller;
      setUploadProgress(0);
      return endpoints.uploadImport(creditor, chosen, setUploadProgress, controller.signal);
    },
    onSuccess: (imp) => {
      queryClient.setQueryData(keys.import(imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
      setImportId(imp.id);
    },
    onSettled: () => {
      abortRef.current = null;
    },
  });

  const setCreditor = (value: string | null) => {
    editSearchParams(setParams, (next) => {
      if (value) next.set('creditorId', value);
      else next.delete('creditorId');
    });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!selected || !file) return;
    upload.mutate({ creditor: selected.id, chosen: file });
  };

  const reset = () => {
    upload.reset();
    setFile(null);
    setImportId(null);
    setUploadProgress(0);
  };

  const selected = creditors.data?.items.find((c) => c.id === creditorId) ?? null;
  const busy = upload.isPending;
  const locked = busy || importId !== null;
  const creditorOptions =
    creditors.data?.items.map((c) => ({
      value: String(c.id),
      label: `${c.legalName} · ${formatCnpj(c.cnpj)}`,
    })) ?? [];
  const uploadAborted = upload.error instanceof DOMException && upload.error.name === 'AbortError';

  return (
    <Stack>
      <title>Nova importação · Régua</title>
      <Breadcrumbs>
        <Anchor component={Link} to="/imports">
          Importações
        </Anchor>
        <Text>Nova importação</Text>
      </Breadcrumbs>
      <Title order={2}>Nova importação</Title>

      {creditors.isError && (
        <ProblemAlert error={creditors.error} title="Não foi possível carregar as carteiras" />
      )}

      <Paper withBorder p="md">
        <form onSubmit={onSubmit} data-testid="import-form">
          <Stack>
            <Select
              label="Carteira"
              placeholder={creditors.isPending ? 'Carregando…' : 'Selecione a carteira (credor)'}
              data-testid="import-creditor"
              searchable
              nothingFoundMessage="Nenhuma carteira encontrada"
              data={creditorOptions}
              value={creditorId === null ? null : String(creditorId)}
              onChange={setCreditor}
              disabled={locked}
              required
            />
            <FileInput
              label="Arquivo"
              description="CSV (separado por ; ou ,) com cabeçalho na primeira linha, ou JSON."
              placeholder="Escolha um arquivo .csv, .txt ou .json"
              accept={ACCEPT}
              value={file}
              onChange={setFile}
              clearable
              disabled={locked}
              required
              data-testid="import-file"
            />
            {file && (
              <Text size="xs" c="dimmed">
                {file.name} · {formatBytes(file.size)}
              </Text>
            )}

            {busy && (
              <Stack gap={4} data-testid="upload-progress">
                <Group justify="space-between">
                  <Text size="sm">Enviando arquivo…</Text>
                  <Text size="sm" c="dimmed">
                    {formatPercent(uploadProgress)}
                  </Text>
                </Group>
                <Progress value={uploadProgress * 100} size="lg" aria-label="Progresso do envio" />
              </Stack>
            )}
            {upload.isError && !uploadAborted && (
              <ProblemAlert error={upload.error} title="Não foi possível enviar o arquivo" />
            )}
            {uploadAborted && (
              <Text size="sm" c="dimmed">
                Envio cancelado.
              </Text>
            )}

            <Group>
              {importId === null ? (
                <>
                  <Button
                    type="submit"
                    loading={busy}
                    disabled={!selected || !file}
                    data-testid="import-submit"
                  >
                    Enviar
                  </Button>
                  {busy && (
                    <Button variant="subtle" color="gray" onClick={() => abortRef.current?.abort()}>
                      Cancelar envio
                    </Button>
                  )}
                </>
              ) : (
                <Button variant="light" onClick={reset} data-testid="import-again">
                  Importar outro arquivo
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Paper>

      {importId !== null && (
        <Paper withBorder p="md">
          <ImportResult importId={importId} />
        </Paper>
      )}
    </Stack>
  );
}
