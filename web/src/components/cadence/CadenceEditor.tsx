import {
  Alert,
  Anchor,
  Badge,
  Button,
  Drawer,
  Group,
  Loader,
  Modal,
  Paper,
  ScrollArea,
  Stack,
  Text,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { endpoints, keys } from '../../api/endpoints.ts';
import type {
  CadenceDefinition,
  CadenceVersion,
  CadenceVersionSummary,
  DefinitionProblem,
  TemplateVariableInfo,
} from '../../api/types.ts';
import {
  addSegment,
  addStep,
  problemsUnder,
  removeSegment,
  removeStep,
  rulesSummary,
  schemaErrorsAsProblems,
  segmentOwnProblems,
  stepPath,
  updateSegment,
  updateStep,
} from '../../lib/cadence.ts';
import { formatDateTime } from '../../lib/format.ts';
import { actorLabel, dayLabel } from '../../lib/labels.ts';
import { useSession } from '../../session.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { CadenceStatusBadge } from '../StatusBadge.tsx';
import { CadenceTimeline } from './CadenceTimeline.tsx';
import { SegmentEditor } from './SegmentEditor.tsx';
import { SettingsForm } from './SettingsForm.tsx';
import { StepEditor } from './StepEditor.tsx';

type Selection =
  | { kind: 'step'; segment: number; step: number }
  | { kind: 'segment'; segment: number }
  | null;

/** `segments[1].steps[3]...` → which step a problem points at (null for settings and segment-level ones). */
function locate(path: string): { segment: number; step: number | null } | null {
  const match = /^segments\[(\d+)\](?:\.steps\[(\d+)\])?/.exec(path);
  if (!match) return null;
  return { segment: Number(match[1]), step: match[2] === undefined ? null : Number(match[2]) };
}

function problemsOf(error: unknown): DefinitionProblem[] | null {
  if (!(error instanceof ApiError)) return null;
  if (Array.isArray(error.problem.problems)) return error.problem.problems as DefinitionProblem[];
  if (error.status === 400) return schemaErrorsAsProblems(error.problem.errors);
  return null;
}

/** The live check of the definition being edited (debounced POST /cadences/validate). */
function useValidation(definition: CadenceDefinition) {
  const [debounced] = useDebouncedValue(definition, 400);
  const validation = useQuery({
    queryKey: ['cadence-validate', debounced],
    queryFn: () => endpoints.validateCadence(debounced),
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const schemaProblems = validation.isError ? problemsOf(validation.error) : null;
  const problems = schemaProblems ?? validation.data?.problems ?? [];
  const pending = debounced !== definition || validation.isFetching;
  return { problems, pending, error: validation.isError && !schemaProblems ? validation.error : null };
}

export interface CadenceEditorProps {
  creditorId: number;
  summary: CadenceVersionSummary;
  version: CadenceVersion;
  variables: Record<string, TemplateVariableInfo>;
  canWrite: boolean;
  /** A new version was saved: show it. */
  onSaved: (version: CadenceVersion) => void;
}

/** The régua of one version: timeline per segment, step and segment drawers, settings, save and activate. */
export function CadenceEditor({
  creditorId,
  summary,
  version,
  variables,
  canWrite,
  onSaved,
}: CadenceEditorProps) {
  const queryClient = useQueryClient();
  const session = useSession();
  const [draft, setDraft] = useState<CadenceDefinition>(version.definition);
  const [dirty, setDirty] = useState(false);
  const [selection, setSelection] = useState<Selection>(null);
  const [previewDebtorId, setPreviewDebtorId] = useState<number | null>(null);
  const [saveOpen, setSaveOpen] = useState(false);
  const [activateOpen, setActivateOpen] = useState(false);
  const [note, setNote] = useState('');
  const { problems, pending, error: validationError } = useValidation(draft);
  const readOnly = !canWrite;

  const edit = (next: CadenceDefinition) => {
    setDraft(next);
    setDirty(true);
  };

  const save = useMutation({
    mutationFn: () => endpoints.saveCadenceVersion(summary.cadenceId, draft, note.trim() || undefined),
    onSuccess: async (saved) => {
      queryClient.setQueryData(keys.cadenceVersion(saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: keys.cadences(creditorId) });
      setSaveOpen(false);
      setNote('');
      onSaved(saved);
    },
  });
  const activate = useMutation({
    mutationFn: () => endpoints.activateCadenceVersion(summary.id),
    onSuccess: async (activated) => {
      queryClient.setQueryData(keys.cadenceVersion(activated.id), activated);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.cadences(creditorId) }),
        queryClient.invalidateQueries({ queryKey: ['cadence-versions'] }),
      ]);
      setActivateOpen(false);
    },
  });
  const saveProblems = save.isError ? problemsOf(save.error) : null;

  const selectedSegment = selection ? draft.segments[selection.segment] : undefined;
  const selectedStep = selection?.kind === 'step' ? selectedSegment?.steps[selection.step] : undefined;
  const openProblem = (path: string) => {
    const at = locate(path);
    if (!at) return;
    setSelection(
      at.step === null ? { kind: 'segment', segment: at.segment } : { kind: 'step', ...at, step: at.step },
    );
  };

  return (
    <Stack gap="md" data-testid="cadence-editor" data-version={summary.version}>
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Group gap="sm">
              <Title order={3} data-testid="editor-title">
                Versão {summary.version}
              </Title>
              <CadenceStatusBadge status={summary.status} />
              {dirty && (
                <Badge color="orange" variant="outline" data-testid="editor-dirty">
                  Alterações não salvas
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              Criada por {actorLabel(summary.createdBy, session.user)} em {formatDateTime(summary.createdAt)}
              {summary.activatedAt ? ` · ativada em ${formatDateTime(summary.activatedAt)}` : ''}
              {summary.retiredAt ? ` · aposentada em ${formatDateTime(summary.retiredAt)}` : ''}
            </Text>
            {summary.note && <Text size="sm">“{summary.note}”</Text>}
          </Stack>
          {canWrite && (
            <Group gap="xs">
              {dirty && (
                <Button
                  variant="subtle"
                  color="gray"
                  onClick={() => {
                    setDraft(version.definition);
                    setDirty(false);
                    setSelection(null);
                  }}
                >
                  Descartar alterações
                </Button>
              )}
              <Button
                variant={dirty ? 'filled' : 'default'}
                disabled={!dirty}
                onClick={() => setSaveOpen(true)}
                data-testid="save-version"
              >
                Salvar como nova versão
              </Button>
              {summary.status !== 'active' && (
                <Tooltip label="Salve as alterações antes de ativar" disabled={!dirty}>
                  <Button
                    color="green"
                    disabled={dirty || problems.length > 0}
                    onClick={() => setActivateOpen(true)}
                    data-testid="activate-version"
                  >
                    Ativar
                  </Button>
                </Tooltip>
              )}
            </Group>
          )}
        </Group>
        <Group gap="xs" mt="sm" data-testid="validation-status">
          {pending ? (
            <>
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                Verificando a régua…
              </Text>
            </>
          ) : problems.length === 0 ? (
            <Text size="sm" c="green.8" data-testid="validation-ok">
              ✓ Nenhum problema encontrado
            </Text>
          ) : (
            <Text size="sm" c="red.7" fw={500} data-testid="validation-count">
              {problems.length === 1 ? '1 problema' : `${problems.length} problemas`} na régua
            </Text>
          )}
        </Group>
        {validationError !== null && (
          <ProblemAlert error={validationError} title="Não foi possível verificar" />
        )}
      </Paper>

      {draft.segments.map((segment, s) => {
        const stepProblems = problemsUnder(problems, `segments[${s}].steps`).filter(
          (p) => locate(p.path)?.step !== null,
        );
        const withProblems = new Set(
          stepProblems.map((p) => locate(p.path)?.step).filter((i): i is number => typeof i === 'number'),
        );
        const own = segmentOwnProblems(problems, s);
        return (
          <Paper
            // biome-ignore lint/suspicious/noArrayIndexKey: segments have no id of their own (the key is edited and may repeat)
            key={s}
            withBorder
            p="md"
            data-testid="cadence-segment"
            data-segment-key={segment.key}
          >
            <Stack gap="sm">
              <Group justify="space-between" align="flex-start">
                <div>
                  <Title order={4}>{segment.name || segment.key}</Title>
                  <Text size="sm" c="dimmed">
                    {rulesSummary(segment)} ·{' '}
                    {segment.steps.length === 1 ? '1 etapa' : `${segment.steps.length} etapas`}
                  </Text>
                </div>
                <Group gap="xs">
                  <Button
                    variant="default"
                    size="xs"
                    onClick={() => setSelection({ kind: 'segment', segment: s })}
                    data-testid="edit-segment"
                  >
                    {readOnly ? 'Ver regras' : 'Regras do segmento'}
                  </Button>
                  {!readOnly && (
                    <Button
                      variant="light"
                      size="xs"
                      onClick={() => {
                        const added = addStep(draft, s);
                        edit(added.definition);
                        setSelection({ kind: 'step', segment: s, step: added.stepIndex });
                      }}
                      data-testid="add-step"
                    >
                      Adicionar etapa
                    </Button>
                  )}
                </Group>
              </Group>
              {own.map((p) => (
                <Text key={`${p.path}-${p.message}`} size="sm" c="red.7">
                  {p.message}
                </Text>
              ))}
              <ScrollArea type="auto" offsetScrollbars>
                <CadenceTimeline
                  steps={segment.steps}
                  selected={selection?.kind === 'step' && selection.segment === s ? selection.step : null}
                  withProblems={withProblems}
                  onSelect={(step) => setSelection({ kind: 'step', segment: s, step })}
                  testId={`timeline-${segment.key}`}
                />
              </ScrollArea>
              {stepProblems.length > 0 && (
                <Stack gap={2} data-testid="segment-step-problems">
                  {stepProblems.map((p) => {
                    const step = segment.steps[locate(p.path)?.step ?? -1];
                    return (
                      <Text key={`${p.path}-${p.message}`} size="sm" c="red.7">
                        <Anchor
                          component="button"
                          size="sm"
                          c="red.8"
                          fw={600}
                          onClick={() => openProblem(p.path)}
                        >
                          {step ? `${dayLabel(step.offsetDays)} ${step.key}` : 'Etapa'}
                        </Anchor>
                        : {p.message}
                      </Text>
                    );
                  })}
                </Stack>
              )}
            </Stack>
          </Paper>
        );
      })}
      {problemsUnder(problems, 'segments')
        .filter((p) => p.path === 'segments')
        .map((p) => (
          <Alert key={p.message} color="red" variant="light">
            {p.message}
          </Alert>
        ))}
      {!readOnly && (
        <Group>
          <Button variant="default" onClick={() => edit(addSegment(draft))} data-testid="add-segment">
            Adicionar segmento
          </Button>
        </Group>
      )}

      <SettingsForm
        settings={draft.settings}
        problems={problems}
        readOnly={readOnly}
        onChange={(settings) => edit({ ...draft, settings })}
      />

      <Drawer
        opened={selection !== null && selectedSegment !== undefined}
        onClose={() => setSelection(null)}
        position="right"
        size={580}
        withOverlay={false}
        lockScroll={false}
        trapFocus={false}
        closeOnClickOutside={false}
        shadow="xl"
        title={
          selectedStep ? (
            <Text fw={600}>
              Etapa {dayLabel(selectedStep.offsetDays)} · {selectedStep.key}
            </Text>
          ) : selectedSegment ? (
            <Text fw={600}>Segmento {selectedSegment.name}</Text>
          ) : null
        }
        closeButtonProps={{ 'aria-label': 'Fechar' }}
        data-testid="cadence-drawer"
      >
        {selection?.kind === 'step' && selectedStep && (
          <StepEditor
            key={`${selection.segment}-${selection.step}`}
            step={selectedStep}
            path={stepPath(selection.segment, selection.step)}
            problems={problemsUnder(problems, stepPath(selection.segment, selection.step))}
            variables={variables}
            readOnly={readOnly}
            creditorId={creditorId}
            previewDebtorId={previewDebtorId}
            onPreviewDebtorChange={setPreviewDebtorId}
            onChange={(step) => edit(updateStep(draft, selection.segment, selection.step, () => step))}
            onRemove={() => {
              edit(removeStep(draft, selection.segment, selection.step));
              setSelection(null);
            }}
          />
        )}
        {selection?.kind === 'segment' && selectedSegment && (
          <SegmentEditor
            key={selection.segment}
            segment={selectedSegment}
            path={`segments[${selection.segment}]`}
            problems={segmentOwnProblems(problems, selection.segment)}
            readOnly={readOnly}
            canRemove={draft.segments.length > 1}
            onChange={(segment) => edit(updateSegment(draft, selection.segment, () => segment))}
            onRemove={() => {
              edit(removeSegment(draft, selection.segment));
              setSelection(null);
            }}
          />
        )}
      </Drawer>

      <Modal opened={saveOpen} onClose={() => setSaveOpen(false)} title="Salvar como nova versão" centered>
        <Stack>
          <Text size="sm">
            A versão {summary.version} não muda: as alterações viram uma nova versão em rascunho, que passa a
            valer quando for ativada.
          </Text>
          {problems.length > 0 && (
            <Alert color="yellow" variant="light">
              A régua ainda tem {problems.length === 1 ? '1 problema' : `${problems.length} problemas`}:
              corrija antes de salvar.
            </Alert>
          )}
          <Textarea
            label="Nota da versão"
            description="O que mudou e por quê (aparece no histórico)"
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
            data-testid="version-note"
          />
          {save.isError &&
            (saveProblems && saveProblems.length > 0 ? (
              <Alert color="red" variant="light" title="A régua tem problemas" data-testid="save-problems">
                <Stack gap={2}>
                  {saveProblems.map((p) => (
                    <Text key={`${p.path}-${p.message}`} size="sm">
                      {p.message}
                    </Text>
                  ))}
                </Stack>
              </Alert>
            ) : (
              <ProblemAlert error={save.error} title="Não foi possível salvar" />
            ))}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSaveOpen(false)}>
              Cancelar
            </Button>
            <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="confirm-save">
              Salvar versão
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={activateOpen} onClose={() => setActivateOpen(false)} title="Ativar versão" centered>
        <Stack>
          <Text size="sm">
            A versão {summary.version} passa a ser a régua desta carteira a partir do próximo planejamento. A
            versão ativa hoje, se houver, será aposentada.
          </Text>
          {activate.isError && <ProblemAlert error={activate.error} title="Não foi possível ativar" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setActivateOpen(false)}>
              Cancelar
            </Button>
            <Button
              color="green"
              onClick={() => activate.mutate()}
              loading={activate.isPending}
              data-testid="confirm-activate"
            >
              Ativar versão {summary.version}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
