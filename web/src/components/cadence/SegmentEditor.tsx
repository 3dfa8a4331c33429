import {
  Alert,
  Button,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import type { CadenceSegment, DefinitionProblem, SegmentRules } from '../../api/types.ts';
import { IntInput } from '../IntInput.tsx';
import { MoneyInput } from '../MoneyInput.tsx';

const UFS = [
  'AC',
  'AL',
  'AM',
  'AP',
  'BA',
  'CE',
  'DF',
  'ES',
  'GO',
  'MA',
  'MG',
  'MS',
  'MT',
  'PA',
  'PB',
  'PE',
  'PI',
  'PR',
  'RJ',
  'RN',
  'RO',
  'RR',
  'RS',
  'SC',
  'SE',
  'SP',
  'TO',
];

/** Sets or removes one rule (an empty value means "no restriction"). */
function withRule<K extends keyof SegmentRules>(
  rules: SegmentRules,
  key: K,
  value: SegmentRules[K] | undefined,
): SegmentRules {
  const next = { ...rules };
  const empty = value === undefined || (Array.isArray(value) && value.length === 0);
  if (empty) delete next[key];
  else next[key] = value;
  return next;
}

export interface SegmentEditorProps {
  segment: CadenceSegment;
  path: string;
  problems: DefinitionProblem[];
  readOnly: boolean;
  canRemove: boolean;
  onChange: (segment: CadenceSegment) => void;
  onRemove: () => void;
}

/** A segment's name, key and the rules that decide which receivables follow its steps. */
export function SegmentEditor({
  segment,
  path,
  problems,
  readOnly,
  canRemove,
  onChange,
  onRemove,
}: SegmentEditorProps) {
  const r = segment.rules;
  const set = <K extends keyof SegmentRules>(key: K, value: SegmentRules[K] | undefined) =>
    onChange({ ...segment, rules: withRule(r, key, value) });
  const has = (suffix: string) => problems.some((p) => p.path.startsWith(`${path}${suffix}`));

  return (
    <Stack gap="md" data-testid="segment-editor">
      {problems.length > 0 && (
        <Alert color="red" variant="light" title="Problemas neste segmento">
          <Stack gap={4}>
            {problems.map((p) => (
              <Text key={`${p.path}-${p.message}`} size="sm">
                {p.message}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <SimpleGrid cols={2}>
        <TextInput
          label="Nome"
          value={segment.name}
          maxLength={100}
          onChange={(event) => onChange({ ...segment, name: event.currentTarget.value })}
          disabled={readOnly}
          data-testid="segment-name"
        />
        <TextInput
          label="Chave"
          value={segment.key}
          maxLength={40}
          onChange={(event) => onChange({ ...segment, key: event.currentTarget.value })}
          error={has('.key')}
          disabled={readOnly}
        />
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        Cada título segue o primeiro segmento (na ordem da régua) cujas regras ele atende. Regras vazias não
        restringem.
      </Text>
      <Select
        label="Tipo de devedor"
        data={[
          { value: 'any', label: 'Todos' },
          { value: 'person', label: 'Pessoa física' },
          { value: 'company', label: 'Pessoa jurídica' },
        ]}
        value={r.debtorKind ?? 'any'}
        allowDeselect={false}
        onChange={(value) => set('debtorKind', value === 'person' || value === 'company' ? value : undefined)}
        disabled={readOnly}
        data-testid="segment-kind"
      />
      <SimpleGrid cols={2}>
        <MoneyInput
          label="Valor em aberto mínimo"
          value={r.minCents}
          onChange={(cents) => set('minCents', cents)}
          error={has('.rules')}
          disabled={readOnly}
        />
        <MoneyInput
          label="Valor em aberto máximo"
          value={r.maxCents}
          onChange={(cents) => set('maxCents', cents)}
          error={has('.rules')}
          disabled={readOnly}
        />
        <IntInput
          label="Dias de atraso mínimo"
          description="Negativo = antes do vencimento"
          value={r.minDaysLate}
          optional
          min={-60}
          max={3650}
          onChange={(value) => set('minDaysLate', value)}
          error={has('.rules')}
          disabled={readOnly}
        />
        <IntInput
          label="Dias de atraso máximo"
          description="Vazio = sem limite"
          value={r.maxDaysLate}
          optional
          min={-60}
          max={3650}
          onChange={(value) => set('maxDaysLate', value)}
          error={has('.rules')}
          disabled={readOnly}
        />
      </SimpleGrid>
      <MultiSelect
        label="UFs do devedor"
        placeholder={r.ufs?.length ? undefined : 'Todas'}
        data={UFS}
        value={r.ufs ?? []}
        onChange={(value) => set('ufs', value)}
        searchable
        clearable
        disabled={readOnly}
      />
      <TagsInput
        label="Etiquetas do devedor"
        description="O devedor entra se tiver qualquer uma delas"
        placeholder={r.tags?.length ? undefined : 'Nenhuma'}
        value={r.tags ?? []}
        onChange={(value) => set('tags', value)}
        clearable
        disabled={readOnly}
      />
      {!readOnly && canRemove && (
        <Group justify="flex-end">
          <Button variant="subtle" color="red" onClick={onRemove} data-testid="remove-segment">
            Remover segmento
          </Button>
        </Group>
      )}
    </Stack>
  );
}
