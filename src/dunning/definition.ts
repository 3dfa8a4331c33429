import { type ContactWindow, DEFAULT_CONTACT_WINDOW, validateContactWindow } from './calendar.ts';
import { checkTemplate } from './templates.ts';

/** Where a step reaches the debtor. `negativacao` and `protest` are gated by a prior-notice letter. */
export const STEP_CHANNELS = [
  'email',
  'sms',
  'whatsapp',
  'phone',
  'letter',
  'portal',
  'negativacao',
  'protest',
] as const;
export type StepChannel = (typeof STEP_CHANNELS)[number];
export const GATED_CHANNELS: readonly StepChannel[] = ['negativacao', 'protest'];
export const STEP_PURPOSES = ['reminder', 'prior_notice', 'negativacao', 'protest'] as const;
export type StepPurpose = (typeof STEP_PURPOSES)[number];

export type StepTemplate = { subject?: string | null; body: string };

export type StepConditions = {
  skipOnPromise: boolean;
  skipOnAgreement: boolean;
  skipOnDispute: boolean;
  skipOnPause: boolean;
};

/** A challenger in an A/B test on a step; the step's own template and offset are the control, "A". */
export type StepVariant = { key: string; weight: number; offsetDays?: number; template: StepTemplate };

export type CadenceStep = {
  key: string;
  /** Days from the due date (rolled to the next business day): negative before it, e.g. -5, 0, 3. */
  offsetDays: number;
  channel: StepChannel;
  /** `prior_notice` marks the letter that negativação and protest steps require. */
  purpose?: StepPurpose;
  template: StepTemplate;
  conditions?: Partial<StepConditions>;
  variants?: StepVariant[];
};

export type SegmentRules = {
  debtorKind?: 'person' | 'company';
  /** Bands on the receivable's open amount, in centavos (min inclusive, max inclusive). */
  minCents?: number;
  maxCents?: number;
  minDaysLate?: number;
  maxDaysLate?: number;
  ufs?: string[];
  /** Matches when the debtor has any of these tags. */
  tags?: string[];
};

export type CadenceSegment = { key: string; name: string; rules: SegmentRules; steps: CadenceStep[] };

export type CadenceSettings = {
  contactWindow: ContactWindow;
  /** At most `contacts` contacts per debtor, across channels, in any `days` consecutive days. */
  frequencyCap: { contacts: number; days: number };
  legal: {
    /** Days between the prior-notice letter's dispatch and a negativação or protest step. */
    noticeDays: number;
    /** A gated step needs the debt to be more than this many days overdue. */
    minDaysLate: number;
    minAmountCents: number;
  };
};

export type CadenceDefinition = { settings: CadenceSettings; segments: CadenceSegment[] };

export const DEFAULT_SETTINGS: CadenceSettings = {
  contactWindow: DEFAULT_CONTACT_WINDOW,
  frequencyCap: { contacts: 3, days: 7 },
  legal: { noticeDays: 10, minDaysLate: 5, minAmountCents: 5_000 },
};

export const DEFAULT_CONDITIONS: StepConditions = {
  skipOnPromise: true,
  skipOnAgreement: true,
  skipOnDispute: true,
  skipOnPause: true,
};

export function stepPurpose(step: Pick<CadenceStep, 'channel' | 'purpose'>): StepPurpose {
  if (step.channel === 'negativacao' || step.channel === 'protest') return step.channel;
  return step.purpose ?? 'reminder';
}

export type DefinitionProblem = { path: string; message: string };

const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * Everything wrong with a cadence, each problem saying which segment or step and why (pt-BR, for the
 * manager). An empty list means the cadence can be saved and activated.
 */
export function validateDefinition(definition: CadenceDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const { settings } = definition;
  for (const message of validateContactWindow(settings.contactWindow)) add('settings.contactWindow', message);
  if (settings.frequencyCap.contacts < 1 || settings.frequencyCap.days < 1)
    add('settings.frequencyCap', 'O limite de contatos precisa de pelo menos 1 contato em pelo menos 1 dia.');
  if (settings.legal.noticeDays < 10)
    add(
      'settings.legal.noticeDays',
      'O prazo entre a notificação prévia e a negativação ou o protesto deve ser de pelo menos 10 dias.',
    );
  if (settings.legal.minDaysLate < 5)
    add('settings.legal.minDaysLate', 'Negativação e protesto exigem mais de 5 dias de atraso.');
  if (definition.segments.length === 0) add('segments', 'A régua precisa de pelo menos um segmento.');

  const segmentKeys = new Set<string>();
  const stepKeys = new Set<string>();
  definition.segments.forEach((segment, s) => {
    const at = `segments[${s}]`;
    const label = `Segmento "${segment.name || segment.key}"`;
    if (!KEY.test(segment.key))
      add(`${at}.key`, `${label}: a chave deve ter letras minúsculas, números, "-" ou "_".`);
    if (segmentKeys.has(segment.key)) add(`${at}.key`, `${label}: a chave "${segment.key}" está repetida.`);
    segmentKeys.add(segment.key);
    const r = segment.rules;
    if (r.minCents !== undefined && r.maxCents !== undefined && r.minCents > r.maxCents)
      add(`${at}.rules`, `${label}: o valor mínimo é maior que o máximo.`);
    if (r.minDaysLate !== undefined && r.maxDaysLate !== undefined && r.minDaysLate > r.maxDaysLate)
      add(`${at}.rules`, `${label}: o atraso mínimo é maior que o máximo.`);
    if (segment.steps.length === 0) add(`${at}.steps`, `${label}: o segmento não tem etapas.`);

    const slots = new Map<string, string>();
    segment.steps.forEach((step, i) => {
      const path = `${at}.steps[${i}]`;
      const name = `${label}, etapa "${step.key}" (${dayLabel(step.offsetDays)}, ${step.channel})`;
      if (!KEY.test(step.key))
        add(`${path}.key`, `${name}: a chave deve ter letras minúsculas, números, "-" ou "_".`);
      if (stepKeys.has(step.key))
        add(`${path}.key`, `${name}: a chave "${step.key}" já é usada por outra etapa da régua.`);
      stepKeys.add(step.key);
      if (!Number.isInteger(step.offsetDays) || step.offsetDays < -60 || step.offsetDays > 365)
        add(`${path}.offsetDays`, `${name}: o dia deve ser um inteiro entre D-60 e D+365.`);
      const offsets = [step.offsetDays, ...(step.variants ?? []).map((v) => v.offsetDays ?? step.offsetDays)];
      for (const offset of new Set(offsets)) {
        const slot = `${offset}:${step.channel}`;
        const other = slots.get(slot);
        if (other)
          add(
            `${path}.offsetDays`,
            `${name}: já existe a etapa "${other}" no mesmo dia (${dayLabel(offset)}) e canal (${step.channel}).`,
          );
        else slots.set(slot, step.key);
      }
      const purpose = stepPurpose(step);
      if (purpose === 'prior_notice' && step.channel !== 'letter')
        add(`${path}.purpose`, `${name}: a notificação prévia precisa ser uma carta (STJ, REsp 2.056.285).`);
      for (const problem of checkTemplate(step.channel, step.template))
        add(`${path}.template`, `${name}: ${problem.message}`);
      checkVariants(step, path, name, add);
      if (GATED_CHANNELS.includes(step.channel)) {
        const earliest = Math.max(...offsets);
        const notice = segment.steps.find(
          (other) =>
            stepPurpose(other) === 'prior_notice' &&
            Math.max(
              other.offsetDays,
              ...(other.variants ?? []).map((v) => v.offsetDays ?? other.offsetDays),
            ) <=
              Math.min(...offsets) - settings.legal.noticeDays,
        );
        if (!notice)
          add(
            `${path}.channel`,
            `${name}: ${step.channel === 'protest' ? 'o protesto' : 'a negativação'} exige antes uma carta de notificação prévia (finalidade "notificação prévia") pelo menos ${settings.legal.noticeDays} dias antes, no mesmo segmento.`,
          );
        if (earliest <= settings.legal.minDaysLate)
          add(
            `${path}.offsetDays`,
            `${name}: ${step.channel === 'protest' ? 'o protesto' : 'a negativação'} só pode ocorrer com mais de ${settings.legal.minDaysLate} dias de atraso.`,
          );
      }
    });
  });
  return problems;
}

function checkVariants(
  step: CadenceStep,
  path: string,
  name: string,
  add: (path: string, message: string) => void,
) {
  const variants = step.variants ?? [];
  if (variants.length === 0) return;
  const keys = new Set(['a']);
  let total = 0;
  variants.forEach((variant, v) => {
    const at = `${path}.variants[${v}]`;
    if (!/^[a-z0-9]{1,8}$/.test(variant.key) || keys.has(variant.key))
      add(
        `${at}.key`,
        `${name}: a variante "${variant.key}" precisa de uma chave curta e única (a variante de controle é "a").`,
      );
    keys.add(variant.key);
    if (!Number.isInteger(variant.weight) || variant.weight < 1 || variant.weight > 99)
      add(`${at}.weight`, `${name}: o peso da variante "${variant.key}" deve ser um inteiro de 1 a 99 (%).`);
    total += variant.weight;
    for (const problem of checkTemplate(step.channel, variant.template))
      add(`${at}.template`, `${name}, variante "${variant.key}": ${problem.message}`);
  });
  if (total >= 100)
    add(
      `${path}.variants`,
      `${name}: as variantes somam ${total}%; a variante de controle precisa de ao menos 1%.`,
    );
}

export function dayLabel(offset: number): string {
  return offset < 0 ? `D${offset}` : `D+${offset}`;
}

/** The rows the planner's SQL reads: one per segment, and one per step variant. */
export function flattenDefinition(definition: CadenceDefinition) {
  const segments = definition.segments.map((segment, position) => ({
    segmentKey: segment.key,
    position,
    debtorKind: segment.rules.debtorKind ?? null,
    minCents: segment.rules.minCents ?? null,
    maxCents: segment.rules.maxCents ?? null,
    minDaysLate: segment.rules.minDaysLate ?? null,
    maxDaysLate: segment.rules.maxDaysLate ?? null,
    ufs: segment.rules.ufs?.length ? segment.rules.ufs : null,
    tags: segment.rules.tags?.length ? segment.rules.tags : null,
  }));
  const steps = definition.segments.flatMap((segment) =>
    segment.steps.flatMap((step) => {
      const conditions = { ...DEFAULT_CONDITIONS, ...step.conditions };
      const challengers = step.variants ?? [];
      const controlWeight = 100 - challengers.reduce((sum, v) => sum + v.weight, 0);
      const variants = [
        { key: 'a', weight: controlWeight, offsetDays: step.offsetDays },
        ...challengers.map((v) => ({
          key: v.key,
          weight: v.weight,
          offsetDays: v.offsetDays ?? step.offsetDays,
        })),
      ];
      let from = 0;
      return variants.map((variant) => {
        const row = {
          segmentKey: segment.key,
          stepKey: step.key,
          variantKey: variant.key,
          bucketFrom: from,
          bucketTo: from + variant.weight,
          offsetDays: variant.offsetDays,
          channel: step.channel,
          purpose: stepPurpose(step),
          ...conditions,
        };
        from += variant.weight;
        return row;
      });
    }),
  );
  return { segments, steps };
}

/** The template a planned message uses: the step's own, or its A/B variant's. */
export function findTemplate(
  definition: CadenceDefinition,
  stepKey: string,
  variantKey: string | null,
): StepTemplate | null {
  for (const segment of definition.segments) {
    for (const step of segment.steps) {
      if (step.key !== stepKey) continue;
      if (!variantKey || variantKey === 'a') return step.template;
      return step.variants?.find((v) => v.key === variantKey)?.template ?? null;
    }
  }
  return null;
}
