import { formatBrl } from '../shared/money.ts';
import type { FeatureKey } from './features.ts';

/** A factor as stored with a score: the raw figure shown, what it is out of, and its signed log-odds contribution. */
export type Factor = { feature: FeatureKey; value: number; of?: number | null; contribution: number };

export type NamedFactor = Factor & {
  /** The factor in Brazilian Portuguese, e.g. "3 promessas quebradas". */
  label: string;
  /** Whether it raises or lowers the probability of payment. */
  effect: 'raises' | 'lowers';
};

const count = (n: number, one: string, many: string, none: string) =>
  n === 0 ? none : `${n.toLocaleString('pt-BR')} ${n === 1 ? one : many}`;

/** The factor as a collector reads it (pt-BR); the figures are the debtor's, as of the score's date. */
export function factorLabel(f: Factor): string {
  const v = Math.round(f.value);
  const of = Math.round(f.of ?? 0);
  switch (f.feature) {
    case 'days_late':
      return `atraso de ${count(v, 'dia', 'dias', '0 dias')}`;
    case 'open_amount':
      return `${formatBrl(v)} em atraso`;
    case 'open_count':
      return count(v, 'título em atraso', 'títulos em atraso', 'nenhum título em atraso');
    case 'paid_history':
      return count(v, 'título pago antes', 'títulos pagos antes', 'nenhum título pago antes');
    case 'avg_late_days':
      return of === 0
        ? 'sem histórico de pagamentos'
        : `atraso médio de ${count(v, 'dia', 'dias', '0 dias')} ao pagar`;
    case 'late_share':
      return of === 0
        ? 'sem histórico de pagamentos'
        : `pagou com atraso ${Math.round(f.value * of)} de ${count(of, 'título', 'títulos', '0 títulos')}`;
    case 'broken_promises':
      return count(v, 'promessa quebrada', 'promessas quebradas', 'nenhuma promessa quebrada');
    case 'kept_promises':
      return count(v, 'promessa cumprida', 'promessas cumpridas', 'nenhuma promessa cumprida');
    case 'broken_agreements':
      return count(v, 'acordo quebrado', 'acordos quebrados', 'nenhum acordo quebrado');
    case 'contacts':
      return `${count(v, 'contato', 'contatos', 'nenhum contato')} nos últimos 90 dias`;
    case 'response_rate':
      return of === 0
        ? 'nenhum contato nos últimos 90 dias'
        : `respondeu a ${v} de ${count(of, 'contato', 'contatos', '0 contatos')}`;
    case 'company':
      return v === 1 ? 'pessoa jurídica' : 'pessoa física';
  }
}

/**
 * Names the factors; two that read the same (a debtor with no payment history has neither an average
 * delay nor a share paid late) become one, with their contributions added.
 */
export function nameFactors(factors: Factor[]): NamedFactor[] {
  const named: NamedFactor[] = [];
  for (const f of factors) {
    const label = factorLabel(f);
    const same = named.find((n) => n.label === label);
    if (same) {
      same.contribution += f.contribution;
      same.effect = same.contribution >= 0 ? 'raises' : 'lowers';
    } else named.push({ ...f, label, effect: f.contribution >= 0 ? 'raises' : 'lowers' });
  }
  return named.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
}
