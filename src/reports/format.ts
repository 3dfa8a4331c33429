/**
 * How the monthly report writes its figures in pt-BR (PDF and screen): money as `R$ 1.234,56`, dates
 * as dd/mm/aaaa, ratios as percentages, days with one decimal, and "sem dados" for a figure with
 * nothing under it (a null ratio). Pure functions, no locale data needed.
 */
import { formatBrDate, formatBrlText, formatInteger } from '../dunning/templates.ts';
import type { CalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';

export const NO_DATA = 'sem dados';

export const MONTH_NAMES = [
  'janeiro',
  'fevereiro',
  'março',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
] as const;

/** `R$ 1.234,56`; null is "sem dados". */
export function brl(cents: Cents | null): string {
  return cents === null ? NO_DATA : formatBrlText(cents);
}

/** 'YYYY-MM-DD' as dd/mm/aaaa. */
export function brDate(date: CalendarDate | null): string {
  return date === null ? NO_DATA : formatBrDate(date);
}

/** '2026-02' as "fevereiro de 2026". */
export function monthLabel(month: string): string {
  const [year, m] = month.split('-');
  return `${MONTH_NAMES[Number(m) - 1] ?? m} de ${year}`;
}

/** A whole number with thousands dots. */
export function integer(n: number): string {
  return formatInteger(n);
}

/** A decimal with a comma and `digits` places (half-up on the decimal text, never a float sum). */
export function decimal(value: number, digits: number): string {
  const sign = value < 0 ? '-' : '';
  const fixed = Math.abs(value).toFixed(digits);
  const [whole, fraction] = fixed.split('.');
  return `${sign}${formatInteger(Number(whole))}${fraction ? `,${fraction}` : ''}`;
}

/** A ratio (0.7531) as "75,31%"; null is "sem dados". */
export function percent(ratio: number | null): string {
  return ratio === null ? NO_DATA : `${decimal(ratio * 100, 2)}%`;
}

/** An already-multiplied percentage (CEI 66.85) as "66,85%". */
export function percentValue(value: number | null): string {
  return value === null ? NO_DATA : `${decimal(value, 2)}%`;
}

/** Days with one decimal ("110,5 dias"). */
export function days(value: number | null): string {
  return value === null ? NO_DATA : `${decimal(value, 1)} ${value === 1 ? 'dia' : 'dias'}`;
}

/** A date and time in the organization's time zone as dd/mm/aaaa hh:mm. */
export function brDateTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

/** Labels of the aging buckets, channels, statuses and outcomes as the report shows them. */
export const BUCKET_LABELS: Record<string, string> = {
  current: 'A vencer',
  '0-30': '1 a 30 dias',
  '31-60': '31 a 60 dias',
  '61-90': '61 a 90 dias',
  '91-180': '91 a 180 dias',
  '180+': 'Mais de 180 dias',
};

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  phone: 'Ligação',
  letter: 'Carta',
  portal: 'Portal',
  negativacao: 'Negativação',
  protest: 'Protesto',
};

export { MESSAGE_STATUS_LABELS } from '../shared/csvLabels.ts';

export const PURPOSE_LABELS: Record<string, string> = {
  reminder: 'Cobrança (régua)',
  collection: 'Cobrança',
  prior_notice: 'Notificação prévia',
  negativacao: 'Negativação',
  protest: 'Protesto',
  thank_you: 'Agradecimento',
  portal_code: 'Código do portal',
  opt_out_confirmation: 'Confirmação de descadastro',
  conversation: 'Conversa',
};

export const CALL_OUTCOME_LABELS: Record<string, string> = {
  reached: 'Atendeu',
  not_reached: 'Não atendeu',
  wrong_number: 'Número errado',
  promise: 'Promessa de pagamento',
  dispute: 'Contestação',
  refused: 'Recusou',
};

export const SOURCE_LABELS: Record<string, string> = {
  pix: 'Pix',
  cnab240: 'Boleto (retorno CNAB 240)',
  cnab400: 'Boleto (retorno CNAB 400)',
  ofx: 'Extrato bancário (OFX)',
  import: 'Informado pelo credor (importação)',
};

export const AGREEMENT_STATUS_LABELS: Record<string, string> = {
  active: 'Ativo',
  completed: 'Quitado',
  broken: 'Quebrado',
  cancelled: 'Cancelado',
};

export const label = (labels: Record<string, string>, key: string) => labels[key] ?? key;
