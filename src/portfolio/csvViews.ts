import { csvColumns } from '../shared/csvExport.ts';
import { formatTaxId } from '../shared/documents.ts';
import type { Creditor, CreditorStats } from './creditors.ts';
import type { Debtor } from './debtors.ts';
import type { Receivable } from './receivables.ts';
import type { ReceivableStatus } from './schema.ts';

/** The CSV columns of the portfolio's table views (pt-BR headers; see docs/CSV.md). */

export const RECEIVABLE_STATUS_PT: Record<ReceivableStatus, string> = {
  open: 'Em aberto',
  partially_paid: 'Parcialmente pago',
  paid: 'Pago',
  cancelled: 'Cancelado',
  written_off: 'Baixado',
  in_agreement: 'Em acordo',
};

export const RECEIVABLE_COLUMNS = csvColumns<Receivable>([
  { header: 'Devedor', value: (r) => r.debtorName },
  { header: 'CPF/CNPJ', value: (r) => formatTaxId(r.debtorDocument) },
  { header: 'Código do título', value: (r) => r.externalId },
  { header: 'Nº do documento', value: (r) => r.documentNumber },
  { header: 'Parcela', kind: 'int', value: (r) => r.installmentNumber },
  { header: 'Total de parcelas', kind: 'int', value: (r) => r.installmentCount },
  { header: 'Emissão', kind: 'date', value: (r) => r.issueDate },
  { header: 'Vencimento', kind: 'date', value: (r) => r.dueDate },
  { header: 'Valor original (R$)', kind: 'money', value: (r) => r.originalCents },
  { header: 'Em aberto (R$)', kind: 'money', value: (r) => r.openCents },
  { header: 'Dias em atraso', kind: 'int', value: (r) => r.daysPastDue },
  { header: 'Situação', value: (r) => RECEIVABLE_STATUS_PT[r.status] ?? r.status },
  { header: 'Nosso número', value: (r) => r.nossoNumero },
  { header: 'Pix txid', value: (r) => r.pixTxid },
  { header: 'ID do título', kind: 'int', value: (r) => r.id },
  { header: 'ID do devedor', kind: 'int', value: (r) => r.debtorId },
  { header: 'ID do credor', kind: 'int', value: (r) => r.creditorId },
]);

export const CREDITOR_COLUMNS = csvColumns<Creditor & { stats: CreditorStats }>([
  { header: 'Razão social', value: (c) => c.legalName },
  { header: 'Nome fantasia', value: (c) => c.tradeName },
  { header: 'CNPJ', value: (c) => formatTaxId(c.cnpj) },
  { header: 'Segmento', value: (c) => c.segment },
  { header: 'Devedores', kind: 'int', value: (c) => c.stats.debtors },
  { header: 'Títulos', kind: 'int', value: (c) => c.stats.receivables },
  { header: 'Em aberto (R$)', kind: 'money', value: (c) => c.stats.openCents },
  { header: 'Vencido (R$)', kind: 'money', value: (c) => c.stats.overdueCents },
  { header: 'Cidade', value: (c) => c.address.city },
  { header: 'UF', value: (c) => c.address.uf },
  { header: 'ID do credor', kind: 'int', value: (c) => c.id },
]);

export const DEBTOR_COLUMNS = csvColumns<Debtor>([
  { header: 'Nome', value: (d) => d.name },
  { header: 'Tipo', value: (d) => (d.kind === 'company' ? 'Pessoa jurídica' : 'Pessoa física') },
  { header: 'CPF/CNPJ', value: (d) => formatTaxId(d.document) },
  { header: 'E-mails', value: (d) => d.emails.join(', ') },
  { header: 'Telefones', value: (d) => d.phones.join(', ') },
  { header: 'WhatsApp', value: (d) => d.whatsapp },
  { header: 'Logradouro', value: (d) => d.address.street },
  { header: 'Número', value: (d) => d.address.number },
  { header: 'Complemento', value: (d) => d.address.complement },
  { header: 'Bairro', value: (d) => d.address.district },
  { header: 'Cidade', value: (d) => d.address.city },
  { header: 'UF', value: (d) => d.address.uf },
  { header: 'CEP', value: (d) => d.address.cep },
  { header: 'Etiquetas', value: (d) => d.tags.join(', ') },
  { header: 'Títulos', kind: 'int', value: (d) => d.receivablesCount },
  { header: 'Em aberto (R$)', kind: 'money', value: (d) => d.openCents },
  { header: 'ID do devedor', kind: 'int', value: (d) => d.id },
  { header: 'ID do credor', kind: 'int', value: (d) => d.creditorId },
]);
