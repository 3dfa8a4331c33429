import { Alert, Badge, Box, Group, Loader, Paper, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { endpoints, keys } from '../../api/endpoints.ts';
import type { StepChannel, StepTemplate } from '../../api/types.ts';
import { formatDocument } from '../../lib/format.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';

const SMS_ENCODINGS: Record<string, string> = {
  'gsm-7': 'GSM-7 (até 160 caracteres numa parte só)',
  'ucs-2': 'UCS-2 (há caracteres fora do alfabeto GSM: só 70 caracteres numa parte)',
};

export interface TemplatePreviewPanelProps {
  creditorId: number;
  channel: StepChannel;
  template: StepTemplate;
  debtorId: number | null;
  onDebtorChange: (debtorId: number | null) => void;
}

/** The step's message filled with a real debtor of this creditor, as the planner would send it today. */
export function TemplatePreviewPanel({
  creditorId,
  channel,
  template,
  debtorId,
  onDebtorChange,
}: TemplatePreviewPanelProps) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  // Once a debtor is chosen the search box shows its label: that is not a new search.
  const [q] = useDebouncedValue(chosen && search === chosen.label ? '' : search.trim(), 300);
  const debtors = useQuery({
    queryKey: keys.debtors(creditorId, q),
    queryFn: () => endpoints.listDebtors(creditorId, q),
    placeholderData: keepPreviousData,
  });
  const [debounced] = useDebouncedValue({ channel, template }, 400);
  const preview = useQuery({
    queryKey: ['template-preview', debtorId, debounced],
    queryFn: () =>
      endpoints.previewTemplate({
        debtorId: debtorId ?? 0,
        channel: debounced.channel,
        template: debounced.template,
      }),
    enabled: debtorId !== null,
    placeholderData: keepPreviousData,
  });

  const options = (debtors.data?.items ?? []).map((d) => ({
    value: String(d.id),
    label: `${d.name} · ${formatDocument(d.document)}`,
  }));
  if (
    chosen &&
    debtorId !== null &&
    String(debtorId) === chosen.value &&
    !options.some((o) => o.value === chosen.value)
  )
    options.unshift(chosen);
  const p = preview.data;

  return (
    <Paper withBorder p="sm" bg="gray.0" data-testid="template-preview">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-end">
          <Text size="sm" fw={600}>
            Pré-visualização
          </Text>
          {preview.isFetching && <Loader size="xs" />}
        </Group>
        <Select
          label="Devedor de exemplo"
          placeholder="Busque pelo nome ou CPF/CNPJ"
          searchable
          clearable
          data={options}
          value={debtorId === null ? null : String(debtorId)}
          searchValue={search}
          onSearchChange={setSearch}
          onChange={(value, option) => {
            setChosen(value && option ? { value, label: option.label } : null);
            onDebtorChange(value ? Number(value) : null);
          }}
          nothingFoundMessage={debtors.isFetching ? 'Buscando…' : 'Nenhum devedor encontrado'}
          filter={({ options: all, search: typed }) => {
            // The server already searched by name or CPF/CNPJ; narrow the list shown while it answers.
            const text = typed.trim().toLowerCase();
            const digits = text.replace(/\D/g, '');
            return all.filter((item) => {
              if (!('label' in item) || text === '' || item.label === chosen?.label) return true;
              const label = item.label.toLowerCase();
              return label.includes(text) || (digits !== '' && label.replace(/\D/g, '').includes(digits));
            });
          }}
          data-testid="preview-debtor"
        />
        {debtorId === null && (
          <Text size="xs" c="dimmed">
            Escolha um devedor para ver a mensagem com os dados dele.
          </Text>
        )}
        {preview.isError && <ProblemAlert error={preview.error} title="Não foi possível pré-visualizar" />}
        {p && debtorId !== null && (
          <Stack gap={6} data-testid="preview-result">
            {p.subject && (
              <Text size="sm">
                <b>Assunto:</b> {p.subject}
              </Text>
            )}
            {p.body !== null ? (
              <Box
                p="xs"
                bg="white"
                style={{
                  whiteSpace: 'pre-wrap',
                  border: '1px solid var(--mantine-color-gray-3)',
                  borderRadius: 4,
                  fontSize: 13,
                }}
                data-testid="preview-body"
              >
                {p.body}
              </Box>
            ) : (
              <Text size="sm" c="dimmed">
                A mensagem não pôde ser montada para este devedor.
              </Text>
            )}
            {p.missing.length > 0 && (
              <Alert color="yellow" variant="light" p="xs" title="Variáveis sem valor para este devedor">
                <Group gap={4}>
                  {p.missing.map((name) => (
                    <Badge key={name} variant="outline" color="yellow" ff="monospace" tt="none">
                      {name}
                    </Badge>
                  ))}
                </Group>
              </Alert>
            )}
            {p.problems.length > 0 && (
              <Alert
                color="red"
                variant="light"
                p="xs"
                title="Problemas no modelo"
                data-testid="preview-problems"
              >
                <Stack gap={2}>
                  {p.problems.map((problem) => (
                    <Text key={`${problem.code}-${problem.message}`} size="xs">
                      {problem.message}
                    </Text>
                  ))}
                </Stack>
              </Alert>
            )}
            {p.sms && (
              <Text size="xs" c="dimmed" data-testid="preview-sms">
                SMS: {p.sms.segments === 1 ? '1 parte' : `${p.sms.segments} partes`} · {p.sms.characters}{' '}
                caracteres · {SMS_ENCODINGS[p.sms.encoding.toLowerCase()] ?? p.sms.encoding}
              </Text>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
