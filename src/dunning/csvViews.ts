import { csvColumns } from '../shared/csvExport.ts';
import { channelPt, messageStatusPt, purposePt, skipReasonPt, verdictPt } from '../shared/csvLabels.ts';
import type { experimentResults } from './experiments.ts';
import type { InboxMessage, PlannedMessage, PlanSkip } from './views.ts';

/** The CSV columns of the régua's table views (pt-BR headers; see docs/CSV.md). */

function dayLabel(offset: unknown): string | null {
  if (typeof offset !== 'number') return null;
  if (offset === 0) return 'D0';
  return offset < 0 ? `D${offset}` : `D+${offset}`;
}

export const MESSAGE_COLUMNS = csvColumns<PlannedMessage>([
  { header: 'Data do plano', kind: 'date', value: (m) => m.planDate },
  { header: 'Devedor', value: (m) => m.debtorName },
  { header: 'Canal', value: (m) => channelPt(m.channel) },
  { header: 'Finalidade', value: (m) => purposePt(m.purpose) },
  { header: 'Etapa', value: (m) => dayLabel(m.why.offsetDays) ?? m.stepKey },
  { header: 'Código da etapa', value: (m) => m.stepKey },
  { header: 'Variante', value: (m) => m.variantKey?.toUpperCase() },
  { header: 'Situação', value: (m) => messageStatusPt(m.status) },
  { header: 'Destino', value: (m) => m.toAddress },
  { header: 'Assunto', value: (m) => m.subject },
  { header: 'Tentativas', kind: 'int', value: (m) => m.attempts },
  { header: 'Próxima tentativa', kind: 'datetime', value: (m) => (m.sentAt ? null : m.nextAttemptAt) },
  { header: 'Enviada em', kind: 'datetime', value: (m) => m.sentAt },
  { header: 'Custo (R$)', kind: 'money', value: (m) => m.costCents },
  { header: 'Títulos', value: (m) => m.receivables.map((r) => r.externalId).join(', ') },
  {
    header: 'Em aberto nos títulos (R$)',
    kind: 'money',
    value: (m) => m.receivables.reduce((sum, r) => sum + Number(r.openCents), 0),
  },
  {
    header: 'Maior atraso (dias)',
    kind: 'int',
    value: (m) => (m.receivables.length ? Math.max(...m.receivables.map((r) => r.daysLate)) : null),
  },
  { header: 'Último erro', value: (m) => m.lastError },
  { header: 'ID do contato', kind: 'int', value: (m) => m.id },
  { header: 'ID do devedor', kind: 'int', value: (m) => m.debtorId },
  { header: 'ID do credor', kind: 'int', value: (m) => m.creditorId },
]);

export const SKIP_COLUMNS = csvColumns<PlanSkip>([
  { header: 'Data do plano', kind: 'date', value: (s) => s.planDate },
  { header: 'Devedor', value: (s) => s.debtorName },
  { header: 'Título', value: (s) => s.externalId },
  { header: 'Etapa', value: (s) => s.stepKey },
  { header: 'Segmento', value: (s) => s.segmentKey },
  { header: 'Canal', value: (s) => channelPt(s.channel) },
  { header: 'Motivo', value: (s) => skipReasonPt(s.reason) },
  { header: 'Código do motivo', value: (s) => s.reason },
  { header: 'ID do título', kind: 'int', value: (s) => s.receivableId },
  { header: 'ID do devedor', kind: 'int', value: (s) => s.debtorId },
  { header: 'ID do credor', kind: 'int', value: (s) => s.creditorId },
]);

export const INBOX_COLUMNS = csvColumns<InboxMessage>([
  { header: 'Recebida em', kind: 'datetime', value: (m) => m.receivedAt },
  { header: 'Devedor', value: (m) => m.debtorName },
  { header: 'Canal', value: (m) => channelPt(m.channel) },
  { header: 'Destino', value: (m) => m.toAddress },
  { header: 'Assunto', value: (m) => m.subject },
  { header: 'Mensagem', value: (m) => m.body },
  { header: 'Entregas', kind: 'int', value: (m) => m.deliveries },
  { header: 'ID do contato', kind: 'int', value: (m) => m.messageId },
  { header: 'ID do devedor', kind: 'int', value: (m) => m.debtorId },
  { header: 'ID do credor', kind: 'int', value: (m) => m.creditorId },
]);

type Experiment = Awaited<ReturnType<typeof experimentResults>>[number];
type Variant = Experiment['variants'][number];
/** One row per variant of each A/B test, with its test's verdict. */
export type ExperimentVariantRow = Experiment & { variant: Variant };

export function experimentRows(items: Experiment[]): ExperimentVariantRow[] {
  return items.flatMap((e) => e.variants.map((variant) => ({ ...e, variant })));
}

export const EXPERIMENT_COLUMNS = csvColumns<ExperimentVariantRow>([
  { header: 'Versão da régua', kind: 'int', value: (r) => r.version },
  { header: 'Etapa', value: (r) => r.stepKey },
  { header: 'Canal', value: (r) => channelPt(r.channel) },
  { header: 'Variante', value: (r) => r.variant.key.toUpperCase() },
  { header: 'Peso', kind: 'int', value: (r) => r.variant.weight },
  { header: 'Contatados', kind: 'int', value: (r) => r.variant.contacted },
  { header: 'Maduros (30 dias)', kind: 'int', value: (r) => r.variant.mature },
  { header: 'Pagaram em 7 dias', kind: 'int', value: (r) => r.variant.paid7 },
  { header: 'Pagaram em 30 dias', kind: 'int', value: (r) => r.variant.paid30 },
  { header: 'Recuperado (R$)', kind: 'money', value: (r) => r.variant.recoveredCents },
  { header: 'Resultado', value: (r) => verdictPt(r.verdict) },
  { header: 'Vencedora', value: (r) => r.winner?.toUpperCase() },
  { header: 'Valor-p', kind: 'decimal', decimals: 4, value: (r) => r.pValue },
  { header: 'Explicação', value: (r) => r.explanation },
]);
