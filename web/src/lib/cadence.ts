/**
 * Pure helpers of the régua editor: immutable edits of a definition, problems by the path they concern,
 * and the sentences that explain a planned contact.
 */
import type {
  CadenceDefinition,
  CadenceSegment,
  CadenceStep,
  DefinitionProblem,
  GateEvidence,
  OutboundMessage,
  StepConditions,
} from '../api/types.ts';
import { daysBetween, formatCents, formatDate, plural } from './format.ts';
import { channelLabel, dayLabel } from './labels.ts';

// ---------------------------------------------------------------------------------------------
// Problems

/** `segments[0].steps[2]` */
export function stepPath(segment: number, step: number): string {
  return `segments[${segment}].steps[${step}]`;
}

/** Problems whose path is `prefix` or lies under it (`prefix.x`, `prefix[0]`). */
export function problemsUnder(problems: readonly DefinitionProblem[], prefix: string): DefinitionProblem[] {
  return problems.filter(
    (p) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`),
  );
}

/** Problems of the segment itself (key, rules, empty), not of its steps. */
export function segmentOwnProblems(
  problems: readonly DefinitionProblem[],
  segment: number,
): DefinitionProblem[] {
  const prefix = `segments[${segment}]`;
  return problemsUnder(problems, prefix).filter((p) => !p.path.startsWith(`${prefix}.steps[`));
}

/**
 * The JSON-schema errors of a 400 (`where: body/definition/segments/0/steps/2/key`) as problems with
 * the editor's paths, so a malformed field is flagged where it is.
 */
export function schemaErrorsAsProblems(errors: unknown): DefinitionProblem[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((item): DefinitionProblem[] => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    const where = typeof record.where === 'string' ? record.where : '';
    const path = where
      .replace(/^body\/definition\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
      .join('');
    const field =
      path
        .split('.')
        .pop()
        ?.replace(/\[\d+\]$/, '') ?? '';
    return [{ path, message: `Valor inválido em "${FIELD_NAMES[field] ?? field}".` }];
  });
}

const FIELD_NAMES: Record<string, string> = {
  key: 'chave',
  name: 'nome',
  offsetDays: 'dia',
  weight: 'peso',
  body: 'texto',
  subject: 'assunto',
  contacts: 'contatos',
  days: 'dias',
  noticeDays: 'prazo da notificação',
  minDaysLate: 'atraso mínimo',
  minAmountCents: 'valor mínimo',
  minCents: 'valor mínimo',
  maxCents: 'valor máximo',
  maxDaysLate: 'atraso máximo',
  start: 'início',
  end: 'fim',
  ufs: 'UFs',
  tags: 'etiquetas',
};

// ---------------------------------------------------------------------------------------------
// Edits (each returns a new definition; the input is never changed)

export function updateSegment(
  definition: CadenceDefinition,
  index: number,
  change: (segment: CadenceSegment) => CadenceSegment,
): CadenceDefinition {
  return {
    ...definition,
    segments: definition.segments.map((segment, i) => (i === index ? change(segment) : segment)),
  };
}

export function updateStep(
  definition: CadenceDefinition,
  segmentIndex: number,
  stepIndex: number,
  change: (step: CadenceStep) => CadenceStep,
): CadenceDefinition {
  return updateSegment(definition, segmentIndex, (segment) => ({
    ...segment,
    steps: segment.steps.map((step, i) => (i === stepIndex ? change(step) : step)),
  }));
}

function usedStepKeys(definition: CadenceDefinition): Set<string> {
  return new Set(definition.segments.flatMap((s) => s.steps.map((step) => step.key)));
}

function freshKey(base: string, used: Set<string>): string {
  for (let n = 1; ; n += 1) {
    const key = `${base}-${n}`;
    if (!used.has(key)) return key;
  }
}

/** A new e-mail step one day after the segment's last one; returns the definition and its index. */
export function addStep(
  definition: CadenceDefinition,
  segmentIndex: number,
): { definition: CadenceDefinition; stepIndex: number } {
  const segment = definition.segments[segmentIndex];
  if (!segment) return { definition, stepIndex: -1 };
  const last = segment.steps.reduce((max, s) => Math.max(max, s.offsetDays), -1);
  const step: CadenceStep = {
    key: freshKey(`${segment.key}-etapa`, usedStepKeys(definition)),
    offsetDays: Math.min(last + 1, 365),
    channel: 'email',
    template: { subject: '{{creditor.name}}: pendência em aberto', body: '' },
  };
  return {
    definition: updateSegment(definition, segmentIndex, (s) => ({ ...s, steps: [...s.steps, step] })),
    stepIndex: segment.steps.length,
  };
}

export function removeStep(
  definition: CadenceDefinition,
  segmentIndex: number,
  stepIndex: number,
): CadenceDefinition {
  return updateSegment(definition, segmentIndex, (s) => ({
    ...s,
    steps: s.steps.filter((_, i) => i !== stepIndex),
  }));
}

export function addSegment(definition: CadenceDefinition): CadenceDefinition {
  const keys = new Set(definition.segments.map((s) => s.key));
  const key = freshKey('segmento', keys);
  const segment: CadenceSegment = { key, name: 'Novo segmento', rules: {}, steps: [] };
  const withSegment = { ...definition, segments: [...definition.segments, segment] };
  return addStep(withSegment, withSegment.segments.length - 1).definition;
}

export function removeSegment(definition: CadenceDefinition, index: number): CadenceDefinition {
  return { ...definition, segments: definition.segments.filter((_, i) => i !== index) };
}

/** Conditions as the planner reads them: a missing flag is true (skip while the hold lasts). */
export function effectiveConditions(conditions: StepConditions | undefined): Required<StepConditions> {
  return {
    skipOnPromise: conditions?.skipOnPromise ?? true,
    skipOnAgreement: conditions?.skipOnAgreement ?? true,
    skipOnDispute: conditions?.skipOnDispute ?? true,
    skipOnPause: conditions?.skipOnPause ?? true,
  };
}

/** Weight of the control variant "a": what the challengers leave. */
export function controlWeight(step: CadenceStep): number {
  return 100 - (step.variants ?? []).reduce((sum, v) => sum + v.weight, 0);
}

/** The next free variant key: b, c, d, e. */
export function nextVariantKey(step: CadenceStep): string {
  const used = new Set(['a', ...(step.variants ?? []).map((v) => v.key)]);
  return ['b', 'c', 'd', 'e', 'f'].find((k) => !used.has(k)) ?? `v${used.size}`;
}

/** Short summary of a segment's rules: "Pessoa física · até R$ 1.000,00 · SP, RJ". */
export function rulesSummary(segment: CadenceSegment): string {
  const r = segment.rules;
  const parts: string[] = [];
  if (r.debtorKind) parts.push(r.debtorKind === 'person' ? 'Pessoa física' : 'Pessoa jurídica');
  if (r.minCents !== undefined && r.maxCents !== undefined)
    parts.push(`${formatCents(r.minCents)} a ${formatCents(r.maxCents)}`);
  else if (r.minCents !== undefined) parts.push(`a partir de ${formatCents(r.minCents)}`);
  else if (r.maxCents !== undefined) parts.push(`até ${formatCents(r.maxCents)}`);
  if (r.minDaysLate !== undefined && r.maxDaysLate !== undefined)
    parts.push(`${r.minDaysLate} a ${r.maxDaysLate} dias de atraso`);
  else if (r.minDaysLate !== undefined) parts.push(`a partir de ${r.minDaysLate} dias de atraso`);
  else if (r.maxDaysLate !== undefined) parts.push(`até ${r.maxDaysLate} dias de atraso`);
  if (r.ufs?.length) parts.push(r.ufs.join(', '));
  if (r.tags?.length) parts.push(`etiquetas: ${r.tags.join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : 'Todos os devedores';
}

// ---------------------------------------------------------------------------------------------
// Planned contacts in words

function lateness(daysLate: number): string {
  if (daysLate < 0) return `vence em ${plural(-daysLate, 'dia', 'dias')}`;
  if (daysLate === 0) return 'vence hoje';
  return `${plural(daysLate, 'dia', 'dias')} de atraso`;
}

/** "Etapa D+3 (WhatsApp) da régua v2, segmento pessoa-fisica: 4 dias de atraso, 2 títulos (R$ 300,00)". */
export function whyText(message: Pick<OutboundMessage, 'why' | 'channel' | 'stepKey'>): string {
  const w = message.why;
  if (w.offsetDays === undefined && w.step === undefined) return 'Contato avulso (fora da régua).';
  const day = w.offsetDays !== undefined ? `Etapa ${dayLabel(w.offsetDays)}` : `Etapa ${w.step ?? ''}`;
  const version = w.cadenceVersion !== undefined ? ` da régua v${w.cadenceVersion}` : '';
  const segment = w.segment ? `, segmento ${w.segment}` : '';
  const variant = w.variant && w.variant !== 'a' ? `, variante ${w.variant.toUpperCase()}` : '';
  const facts: string[] = [];
  if (w.daysLate !== undefined) facts.push(lateness(w.daysLate));
  if (w.receivables !== undefined) facts.push(plural(w.receivables, 'título', 'títulos'));
  if (w.openCents !== undefined) facts.push(formatCents(w.openCents));
  const tail = facts.length > 0 ? `: ${facts.join(', ')}` : '';
  return `${day} (${channelLabel(message.channel)})${version}${segment}${variant}${tail}.`;
}

/**
 * What allowed a negativação or protest: the prior-notice letter's date and the wait since, the
 * lateness and the amount against the legal minimums.
 */
export function evidenceText(item: GateEvidence, planDate: string | null): string {
  const parts: string[] = [];
  if (item.noticeSentAt) {
    const waited = planDate ? daysBetween(item.noticeSentAt, planDate) : null;
    parts.push(
      `Notificação prévia enviada em ${formatDate(item.noticeSentAt)}${
        waited !== null ? ` (${plural(waited, 'dia', 'dias')} de espera; mínimo ${item.noticeDays})` : ''
      }`,
    );
  } else {
    parts.push('Sem notificação prévia registrada');
  }
  parts.push(`${plural(item.daysLate, 'dia', 'dias')} de atraso (exige mais de ${item.minDaysLate})`);
  parts.push(`${formatCents(item.openCents)} em aberto (mínimo ${formatCents(item.minAmountCents)})`);
  return parts.join(' · ');
}
