import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import type {
  CadenceStep,
  DefinitionProblem,
  StepConditions,
  StepVariant,
  TemplateVariableInfo,
} from '../../api/types.ts';
import { controlWeight, effectiveConditions, nextVariantKey } from '../../lib/cadence.ts';
import { CHANNELS_WITH_SUBJECT, channelLabel, dayLabel, STEP_CHANNELS } from '../../lib/labels.ts';
import { IntInput } from '../IntInput.tsx';
import { TemplateInput } from './TemplateInput.tsx';
import { TemplatePreviewPanel } from './TemplatePreviewPanel.tsx';

const CONDITION_LABELS: { key: keyof StepConditions; label: string }[] = [
  { key: 'skipOnPromise', label: 'Pular se houver promessa de pagamento' },
  { key: 'skipOnAgreement', label: 'Pular se houver acordo em andamento' },
  { key: 'skipOnDispute', label: 'Pular se a dívida estiver contestada' },
  { key: 'skipOnPause', label: 'Pular se a cobrança estiver pausada' },
];

const GATED = ['negativacao', 'protest'];

export interface StepEditorProps {
  step: CadenceStep;
  /** Path of the step, e.g. `segments[0].steps[2]`, to tell which field each problem concerns. */
  path: string;
  problems: DefinitionProblem[];
  variables: Record<string, TemplateVariableInfo>;
  readOnly: boolean;
  creditorId: number;
  previewDebtorId: number | null;
  onPreviewDebtorChange: (id: number | null) => void;
  onChange: (step: CadenceStep) => void;
  onRemove: () => void;
}

/** Everything about one step: when, where, what it says, when it stays quiet, and its A/B variants. */
export function StepEditor({
  step,
  path,
  problems,
  variables,
  readOnly,
  creditorId,
  previewDebtorId,
  onPreviewDebtorChange,
  onChange,
  onRemove,
}: StepEditorProps) {
  const [previewVariant, setPreviewVariant] = useState('a');
  const has = (suffix: string) => problems.some((p) => p.path.startsWith(`${path}${suffix}`));
  const conditions = effectiveConditions(step.conditions);
  const variants = step.variants ?? [];
  const withSubject = CHANNELS_WITH_SUBJECT.includes(step.channel) || Boolean(step.template.subject);
  const gated = GATED.includes(step.channel);

  const setVariant = (index: number, change: (v: StepVariant) => StepVariant) =>
    onChange({ ...step, variants: variants.map((v, i) => (i === index ? change(v) : v)) });
  const removeVariant = (index: number) => {
    const rest = variants.filter((_, i) => i !== index);
    const next = { ...step };
    if (rest.length > 0) next.variants = rest;
    else delete next.variants;
    onChange(next);
    setPreviewVariant('a');
  };
  const addVariant = () => {
    const weight = Math.max(1, Math.min(50, controlWeight(step) - 1));
    onChange({
      ...step,
      variants: [...variants, { key: nextVariantKey(step), weight, template: { ...step.template } }],
    });
  };

  const previewTemplate =
    previewVariant === 'a'
      ? step.template
      : (variants.find((v) => v.key === previewVariant)?.template ?? step.template);

  return (
    <Stack gap="md" data-testid="step-editor">
      {problems.length > 0 && (
        <Alert color="red" variant="light" title="Problemas nesta etapa" data-testid="step-problems">
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
          label="Chave"
          description="Identifica a etapa nos relatórios"
          value={step.key}
          onChange={(event) => onChange({ ...step, key: event.currentTarget.value })}
          error={has('.key')}
          disabled={readOnly}
          maxLength={40}
          data-testid="step-key"
        />
        <IntInput
          label="Dia"
          description={`${dayLabel(step.offsetDays)}: negativo = antes do vencimento`}
          value={step.offsetDays}
          min={-60}
          max={365}
          onChange={(value) => onChange({ ...step, offsetDays: value ?? step.offsetDays })}
          error={has('.offsetDays')}
          disabled={readOnly}
          data-testid="step-offset"
        />
        <Select
          label="Canal"
          data={STEP_CHANNELS.map((c) => ({ value: c, label: channelLabel(c) }))}
          value={step.channel}
          allowDeselect={false}
          onChange={(value) => {
            if (!value) return;
            const channel = value as CadenceStep['channel'];
            const next: CadenceStep = { ...step, channel };
            if (GATED.includes(channel)) delete next.purpose;
            onChange(next);
          }}
          error={has('.channel')}
          disabled={readOnly}
          data-testid="step-channel"
        />
        <Select
          label="Finalidade"
          data={
            gated
              ? [{ value: 'gated', label: channelLabel(step.channel) }]
              : [
                  { value: 'reminder', label: 'Lembrete / cobrança' },
                  { value: 'prior_notice', label: 'Notificação prévia (carta)' },
                ]
          }
          value={gated ? 'gated' : (step.purpose ?? 'reminder')}
          allowDeselect={false}
          onChange={(value) => {
            const next: CadenceStep = { ...step };
            if (value === 'prior_notice') next.purpose = 'prior_notice';
            else delete next.purpose;
            onChange(next);
          }}
          error={has('.purpose')}
          disabled={readOnly || gated}
          data-testid="step-purpose"
        />
      </SimpleGrid>

      <Stack gap="xs">
        {withSubject && (
          <TemplateInput
            label="Assunto"
            value={step.template.subject ?? ''}
            onChange={(subject) => onChange({ ...step, template: { ...step.template, subject } })}
            variables={variables}
            disabled={readOnly}
            data-testid="step-subject"
          />
        )}
        <TemplateInput
          label={variants.length > 0 ? 'Mensagem (variante A, controle)' : 'Mensagem'}
          value={step.template.body}
          onChange={(body) => onChange({ ...step, template: { ...step.template, body } })}
          variables={variables}
          multiline
          disabled={readOnly}
          data-testid="step-body"
        />
        {has('.template') && (
          <Text size="xs" c="red.7">
            O modelo desta mensagem tem problemas (veja acima).
          </Text>
        )}
      </Stack>

      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Quando não enviar
        </Text>
        {CONDITION_LABELS.map(({ key, label }) => (
          <Checkbox
            key={key}
            label={label}
            checked={conditions[key]}
            disabled={readOnly}
            onChange={(event) =>
              onChange({ ...step, conditions: { ...conditions, [key]: event.currentTarget.checked } })
            }
          />
        ))}
      </Stack>

      <Divider label="Teste A/B" labelPosition="left" />
      <Stack gap="sm" data-testid="step-variants">
        {variants.length === 0 ? (
          <Text size="sm" c="dimmed">
            Sem teste A/B: todos os devedores recebem a mensagem acima.
          </Text>
        ) : (
          <Text size="sm" c={has('.variants') ? 'red.7' : undefined}>
            Variante A (controle): {controlWeight(step)}% dos devedores
          </Text>
        )}
        {variants.map((variant, i) => (
          <Paper key={variant.key || i} withBorder p="sm" data-testid="variant">
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600} size="sm">
                  Variante {variant.key.toUpperCase()}
                </Text>
                {!readOnly && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => removeVariant(i)}
                    aria-label={`Remover variante ${variant.key}`}
                  >
                    ×
                  </ActionIcon>
                )}
              </Group>
              <SimpleGrid cols={3}>
                <TextInput
                  label="Chave"
                  value={variant.key}
                  maxLength={8}
                  onChange={(event) => {
                    const key = event.currentTarget.value.toLowerCase();
                    setVariant(i, (v) => ({ ...v, key }));
                  }}
                  error={has(`.variants[${i}].key`)}
                  disabled={readOnly}
                />
                <IntInput
                  label="Peso (%)"
                  value={variant.weight}
                  min={1}
                  max={99}
                  onChange={(value) => setVariant(i, (v) => ({ ...v, weight: value ?? v.weight }))}
                  error={has(`.variants[${i}].weight`) || has('.variants')}
                  disabled={readOnly}
                  data-testid="variant-weight"
                />
                <IntInput
                  label="Dia (opcional)"
                  placeholder={dayLabel(step.offsetDays)}
                  value={variant.offsetDays}
                  optional
                  min={-60}
                  max={365}
                  onChange={(value) =>
                    setVariant(i, (v) => {
                      const next = { ...v };
                      if (value !== undefined) next.offsetDays = value;
                      else delete next.offsetDays;
                      return next;
                    })
                  }
                  disabled={readOnly}
                />
              </SimpleGrid>
              {withSubject && (
                <TemplateInput
                  label="Assunto"
                  value={variant.template.subject ?? ''}
                  onChange={(subject) =>
                    setVariant(i, (v) => ({ ...v, template: { ...v.template, subject } }))
                  }
                  variables={variables}
                  disabled={readOnly}
                />
              )}
              <TemplateInput
                label="Mensagem"
                value={variant.template.body}
                onChange={(body) => setVariant(i, (v) => ({ ...v, template: { ...v.template, body } }))}
                variables={variables}
                multiline
                disabled={readOnly}
              />
            </Stack>
          </Paper>
        ))}
        {!readOnly && variants.length < 4 && (
          <Group>
            <Button variant="light" size="xs" onClick={addVariant} data-testid="add-variant">
              Adicionar variante
            </Button>
          </Group>
        )}
      </Stack>

      <Divider />
      {variants.length > 0 && (
        <SegmentedControl
          size="xs"
          value={previewVariant}
          onChange={setPreviewVariant}
          data={['a', ...variants.map((v) => v.key)].map((k) => ({
            value: k,
            label: `Variante ${k.toUpperCase()}`,
          }))}
        />
      )}
      <TemplatePreviewPanel
        creditorId={creditorId}
        channel={step.channel}
        template={previewTemplate}
        debtorId={previewDebtorId}
        onDebtorChange={onPreviewDebtorChange}
      />

      {!readOnly && (
        <Group justify="flex-end">
          <Button variant="subtle" color="red" onClick={onRemove} data-testid="remove-step">
            Remover etapa
          </Button>
        </Group>
      )}
    </Stack>
  );
}
