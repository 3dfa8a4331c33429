import { Alert, Badge, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { ImportPreview } from '../api/types.ts';
import { type ColumnMapping, headerChoices, missingFields, repeatedHeaders } from '../lib/importMapping.ts';
import { delimiterLabel, ENCODING_LABELS, importFieldLabel } from '../lib/labels.ts';

/** Option value of "— não importar —" (blank headers are never offered, so '' is free). */
const NOT_IMPORTED = '';

function Detected({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Text size="sm">
      <Text span c="dimmed" size="sm">
        {label}:
      </Text>{' '}
      <Text span fw={600} size="sm" data-testid={testId}>
        {value}
      </Text>
    </Text>
  );
}

/**
 * Step between choosing a CSV and sending it: what was detected, which column feeds each field (editable)
 * and the first rows of the file.
 */
export function ColumnMappingPanel({
  preview,
  mapping,
  onChange,
  disabled = false,
}: {
  preview: ImportPreview;
  mapping: ColumnMapping;
  onChange: (next: ColumnMapping) => void;
  disabled?: boolean;
}) {
  const choices = useMemo(() => headerChoices(preview.headers), [preview.headers]);
  const options = useMemo(
    () => [
      { value: NOT_IMPORTED, label: '— não importar —' },
      ...choices.map((header) => ({ value: header, label: header })),
    ],
    [choices],
  );
  const missing = missingFields(preview.fields, mapping);
  const repeated = repeatedHeaders(mapping);
  const firstRow = preview.sample[0] ?? [];
  /** column index -> fields read from it, for the preview table's captions. */
  const fieldsByColumn = new Map<number, string[]>();
  for (const { field } of preview.fields) {
    const index = mapping[field] ? preview.headers.indexOf(mapping[field]) : -1;
    if (index >= 0) fieldsByColumn.set(index, [...(fieldsByColumn.get(index) ?? []), field]);
  }
  const columnCount = Math.max(preview.headers.length, ...preview.sample.map((row) => row.length));

  const choose = (field: string, header: string | null) => {
    const next = { ...mapping };
    if (header) next[field] = header;
    else delete next[field];
    onChange(next);
  };

  return (
    <Stack gap="sm" data-testid="column-mapping">
      <Group gap="xl">
        <Detected
          label="Codificação"
          value={ENCODING_LABELS[preview.encoding] ?? preview.encoding}
          testId="preview-encoding"
        />
        <Detected label="Separador" value={delimiterLabel(preview.delimiter)} testId="preview-delimiter" />
        <Detected
          label="Colunas no arquivo"
          value={String(preview.headers.length)}
          testId="preview-columns"
        />
      </Group>

      {missing.length > 0 ? (
        <Alert color="red" variant="light" title="Faltam colunas obrigatórias" data-testid="mapping-missing">
          <Text size="sm">Indique a coluna de: {missing.map(importFieldLabel).join(', ')}</Text>
          {missing.includes('externalId') && (
            <Text size="xs" c="dimmed" mt={4}>
              Sem um identificador, indique o Número do documento: o identificador é formado por ele e pela
              parcela.
            </Text>
          )}
        </Alert>
      ) : (
        <Text size="sm" c="green.8" data-testid="mapping-complete">
          Todas as colunas obrigatórias foram indicadas.
        </Text>
      )}
      {repeated.length > 0 && (
        <Text size="sm" c="orange.8" data-testid="mapping-repeated">
          {repeated.length === 1 ? 'A coluna' : 'As colunas'} {repeated.map((h) => `"${h}"`).join(', ')}{' '}
          {repeated.length === 1 ? 'foi indicada' : 'foram indicadas'} para mais de um campo.
        </Text>
      )}

      <Title order={4}>Colunas</Title>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={4} data-testid="mapping-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campo</Table.Th>
              <Table.Th w="40%">Coluna do arquivo</Table.Th>
              <Table.Th>Exemplo</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.fields.map(({ field, required }) => {
              const label = importFieldLabel(field);
              const header = mapping[field] ?? NOT_IMPORTED;
              const isMissing = missing.includes(field);
              const index = header ? preview.headers.indexOf(header) : -1;
              const example = index >= 0 ? (firstRow[index] ?? '') : '';
              return (
                <Table.Tr
                  key={field}
                  data-testid="mapping-row"
                  data-field={field}
                  data-missing={isMissing || undefined}
                  bg={isMissing ? 'var(--mantine-color-red-light)' : undefined}
                >
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={required ? 600 : undefined}>
                        {label}
                      </Text>
                      {required && (
                        <Badge size="xs" variant="light" color={isMissing ? 'red' : 'gray'}>
                          obrigatório
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Coluna de ${label}`}
                      data-testid={`mapping-${field}`}
                      size="xs"
                      searchable
                      allowDeselect={false}
                      nothingFoundMessage="Nenhuma coluna com esse nome"
                      data={options}
                      value={header}
                      onChange={(value) => choose(field, value)}
                      error={isMissing}
                      disabled={disabled}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" ff="monospace" lineClamp={1} title={example}>
                      {example || '—'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Title order={4}>Prévia</Title>
      {preview.sample.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="preview-empty">
          O arquivo só tem a linha de cabeçalho.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={Math.max(480, columnCount * 120)}>
          <Table striped withTableBorder data-testid="preview-sample">
            <Table.Thead>
              <Table.Tr>
                {Array.from({ length: columnCount }, (_, i) => {
                  const header = preview.headers[i] ?? '';
                  const fed = fieldsByColumn.get(i) ?? [];
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and headers may repeat.
                    <Table.Th key={i}>
                      <Text size="sm" fw={600}>
                        {header || `(coluna ${i + 1})`}
                      </Text>
                      <Text size="xs" c={fed.length > 0 ? 'blue.7' : 'dimmed'} fw={400}>
                        {fed.length > 0 ? `→ ${fed.map(importFieldLabel).join(', ')}` : 'não importada'}
                      </Text>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.sample.map((row, r) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: sample rows are static and have no id.
                <Table.Tr key={r} data-testid="preview-row">
                  {Array.from({ length: columnCount }, (_, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                    <Table.Td key={i}>
                      <Text size="xs" ff="monospace">
                        {row[i] ?? ''}
                      </Text>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
