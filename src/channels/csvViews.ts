import { csvColumns } from '../shared/csvExport.ts';
import { formatTaxId } from '../shared/documents.ts';
import type { Letter } from './letters.ts';

/** The CSV columns of the letters view (pt-BR headers; see docs/CSV.md). */
export const LETTER_COLUMNS = csvColumns<Letter>([
  { header: 'Destinatário', value: (l) => l.debtor.name },
  { header: 'CPF/CNPJ', value: (l) => formatTaxId(l.debtor.document) },
  { header: 'Tipo', value: (l) => (l.purpose === 'prior_notice' ? 'Notificação prévia' : 'Cobrança') },
  {
    header: 'Endereço',
    value: (l) => [l.debtor.street, l.debtor.number, l.debtor.complement].filter(Boolean).join(' '),
  },
  { header: 'Bairro', value: (l) => l.debtor.district },
  { header: 'Cidade', value: (l) => l.debtor.city },
  { header: 'UF', value: (l) => l.debtor.uf },
  { header: 'CEP', value: (l) => l.debtor.cep },
  { header: 'Enviada em', kind: 'datetime', value: (l) => l.sentAt },
  { header: 'Provedor', value: (l) => (l.provider === 'sandbox' ? 'Sandbox (não imprimir)' : l.provider) },
  { header: 'Documento', kind: 'int', value: (l) => l.messageId },
  { header: 'ID do devedor', kind: 'int', value: (l) => l.debtorId },
]);
