import { csvColumns } from '../shared/csvExport.ts';
import { paymentFormatPt, paymentStatusPt, recoveryReasonPt } from '../shared/csvLabels.ts';
import { formatTaxId } from '../shared/documents.ts';
import type { RemessaSummary } from './boletoRegistration.ts';
import type { PaymentRow } from './intake.ts';
import type { RecoveredCustomer } from './recovery.ts';

/** The CSV columns of the payments' table views (pt-BR headers; see docs/CSV.md). */

export const PAYMENT_COLUMNS = csvColumns<PaymentRow>([
  { header: 'Pago em', kind: 'date', value: (p) => p.paidOn },
  { header: 'Valor (R$)', kind: 'money', value: (p) => p.amountCents },
  { header: 'Origem', value: (p) => paymentFormatPt(p.source) },
  { header: 'Pagador', value: (p) => p.payerName },
  { header: 'CPF/CNPJ do pagador', value: (p) => (p.payerDocument ? formatTaxId(p.payerDocument) : null) },
  { header: 'Referência', value: (p) => p.reference },
  { header: 'Situação', value: (p) => paymentStatusPt(p.status) },
  { header: 'Devedor', value: (p) => p.debtorName },
  { header: 'Títulos pagos', value: (p) => p.allocations.map((a) => a.externalId).join(', ') },
  {
    header: 'Alocado (R$)',
    kind: 'money',
    value: (p) => p.allocations.reduce((sum, a) => sum + Number(a.cents), 0),
  },
  { header: 'Crédito (R$)', kind: 'money', value: (p) => p.creditCents },
  { header: 'Conciliado por', value: (p) => p.matchedBy },
  { header: 'Recebido em', kind: 'datetime', value: (p) => p.createdAt },
  { header: 'ID do pagamento', kind: 'int', value: (p) => p.id },
  { header: 'ID do devedor', kind: 'int', value: (p) => p.debtorId },
]);

export const RECOVERED_COLUMNS = csvColumns<RecoveredCustomer>([
  { header: 'Devedor', value: (r) => r.debtorName },
  { header: 'Credor', value: (r) => r.creditorName },
  { header: 'Recuperado em', kind: 'date', value: (r) => r.recoveredOn },
  { header: 'Como', value: (r) => recoveryReasonPt(r.reason) },
  { header: 'Valor recuperado (R$)', kind: 'money', value: (r) => r.recoveredCents },
  { header: 'Acompanhar até', kind: 'date', value: (r) => r.followUntil },
  { header: 'Voltou a dever', kind: 'bool', value: (r) => r.owesAgain },
  { header: 'ID do devedor', kind: 'int', value: (r) => r.debtorId },
]);

export const REMESSA_COLUMNS = csvColumns<RemessaSummary>([
  { header: 'NSA', kind: 'int', value: (r) => r.nsa },
  { header: 'Arquivo', value: (r) => r.filename },
  { header: 'Títulos', kind: 'int', value: (r) => r.titles },
  { header: 'Valor total (R$)', kind: 'money', value: (r) => r.totalCents },
  { header: 'Gerada por', value: (r) => r.createdBy },
  { header: 'Gerada em', kind: 'datetime', value: (r) => r.createdAt },
  { header: 'ID da remessa', kind: 'int', value: (r) => r.id },
]);
