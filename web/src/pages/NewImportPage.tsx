import {
  Anchor,
  Breadcrumbs,
  Button,
  Divider,
  FileInput,
  Group,
  Loader,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import { ColumnMappingPanel } from '../components/ColumnMappingPanel.tsx';
import { ImportResult } from '../components/ImportResult.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatBytes, formatCnpj, formatPercent } from '../lib/format.ts';
import { type ColumnMapping, isJsonFile, mappingToSend, missingFields } from '../lib/importMapping.ts';
import { importFieldLabel } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';

const ACCEPT = '.csv,.txt,.json';
/** Only the start of a CSV is sent for the preview: enough for the header and the first rows. */
const PREVIEW_BYTES = 64 * 1024;

export function NewImportPage() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const creditors = useQuery({ queryKey: keys.creditors, queryFn: endpoints.listCreditors });

  const creditorId = parseId(params.get('creditorId'));
  const [file, setFile] = useState<File | null>(null);
  /** Bumped on every file choice: the preview's query key (a File cannot be hashed). */
  const [fileSeq, setFileSeq] = useState(0);
  /** The person's mapping once they change a column; null = the preview's suggestion. */
  const [editedMapping, setEditedMapping] = useState<ColumnMapping | null>(null);
  const [uploadProgress, setUploadProgress] = useState(0);
  const [importId, setImportId] = useState<number | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  const csvFile = file && !isJsonFile(file) ? file : null;
  const preview = useQuery({
    queryKey: keys.importPreview(fileSeq),
    queryFn: csvFile
      ? ({ signal }) =>
          endpoints.previewImport(csvFile.slice(0, PREVIEW_BYTES, 'text/csv'), undefined, signal)
      : skipToken,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
  });
  const previewData = csvFile ? preview.data : undefined;
  const mapping = editedMapping ?? previewData?.mapping ?? {};
  const missing = previewData ? missingFields(previewData.fields, mapping) : [];
  /** A CSV can be sent once its columns are read and every required field has one. */
  const mappingReady = csvFile === null || (previewData !== undefined && missing.length === 0);

  const upload = useMutation({
    mutationFn: ({
      creditor,
      chosen,
      columns,
    }: {
      creditor: number;
      chosen: File;
      columns: ColumnMapping | undefined;
    }) => {
      const controller = new AbortController();
      abortRef.current = controller;
      setUploadProgress(0);
      return endpoints.uploadImport(creditor, chosen, setUploadProgress, controller.signal, columns);
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

  const chooseFile = (next: File | null) => {
    upload.reset();
    setFile(next);
    setFileSeq((n) => n + 1);
    setEditedMapping(null);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!selected || !file || !mappingReady) return;
    const columns = previewData ? mappingToSend(previewData.fields, previewData.headers, mapping) : undefined;
    upload.mutate({ creditor: selected.id, chosen: file, columns });
  };

  const reset = () => {
    upload.reset();
    chooseFile(null);
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
              description="CSV com cabeçalho na primeira linha (você confere as colunas antes de importar), ou lote JSON."
              placeholder="Escolha um arquivo .csv, .txt ou .json"
              accept={ACCEPT}
              value={file}
              onChange={chooseFile}
              clearable
              disabled={locked}
              required
              data-testid="import-file"
            />
            {file && (
              <Text size="xs" c="dimmed">
                {file.name} · {formatBytes(file.size)}
                {!csvFile && ' · lote JSON: enviado como está, sem mapeamento de colunas'}
              </Text>
            )}

            {csvFile && importId === null && (
              <>
                <Divider label="Colunas do arquivo" labelPosition="left" />
                {preview.isPending && (
                  <Group gap="xs" data-testid="preview-loading">
                    <Loader size="xs" />
                    <Text size="sm" c="dimmed">
                      Lendo o início do arquivo…
                    </Text>
                  </Group>
                )}
                {preview.isError && (
                  <Stack gap="xs" align="flex-start">
                    <ProblemAlert error={preview.error} title="Não foi possível ler o arquivo" />
                    <Button variant="light" size="xs" onClick={() => void preview.refetch()}>
                      Tentar novamente
                    </Button>
                  </Stack>
                )}
                {previewData && (
                  <ColumnMappingPanel
                    preview={previewData}
                    mapping={mapping}
                    onChange={setEditedMapping}
                    disabled={locked}
                  />
                )}
              </>
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
                    disabled={!selected || !file || !mappingReady}
                    data-testid="import-submit"
                  >
                    Importar
                  </Button>
                  {!busy && missing.length > 0 && (
                    <Text size="sm" c="red.7" data-testid="import-submit-hint">
                      Indique a coluna de: {missing.map(importFieldLabel).join(', ')}
                    </Text>
                  )}
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
