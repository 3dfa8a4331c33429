/**
 * Fee statements in the web app: months as 'YYYY-MM' (no Date, so no time-zone shift), percentages
 * typed as "12,5" read as exact basis points, and how a statement's state is shown.
 */
import type { FeeTier, StatementState } from '../api/billing.ts';

const MONTHS = [
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
];

const pad = (n: number) => String(n).padStart(2, '0');

export function isMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** '2026-03' → 'março de 2026'. */
export function monthLabel(month: string): string {
  return `${MONTHS[Number(month.slice(5, 7)) - 1] ?? month} de ${month.slice(0, 4)}`;
}

export function shiftMonth(month: string, by: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The `count` months up to `last`, newest first. */
export function monthsUpTo(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftMonth(last, -i));
}

/** "12,5" / "12.5" / "12" → 1250; null when not a percentage from 0 to 100 with up to 2 decimals. */
export function percentToBasisPoints(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

/** 1250 → "12,5" (for an input). */
export function basisPointsToPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole},${frac}` : String(whole);
}

/** A tier as people read it: "1 a 30 dias" / "91 dias ou mais". */
export function tierLabel(tier: FeeTier): string {
  return tier.toDays === null ? `${tier.fromDays} dias ou mais` : `${tier.fromDays} a ${tier.toDays} dias`;
}

export const STATE_LABELS: Record<StatementState, { label: string; color: string }> = {
  issued: { label: 'Emitida', color: 'green' },
  closed: { label: 'Pronta para emitir', color: 'blue' },
  open: { label: 'Em andamento (prévia)', color: 'yellow' },
  future: { label: 'Não iniciado', color: 'gray' },
};

/** '1666.6500' (centavos, exact) → 'R$ 16,6665'. */
export function exactCentsLabel(exact: string): string {
  const [int = '0', frac = ''] = exact.split('.');
  const digits = int.padStart(3, '0');
  const reais = Number(digits.slice(0, -2)).toLocaleString('pt-BR');
  const rest = frac.replace(/0+$/, '');
  return `R$ ${reais},${digits.slice(-2)}${rest}`;
}
