/**
 * A fee statement as documents: a PDF for people (issuer and creditor with their CNPJ, period, every
 * line, totals) and a CSV for spreadsheets (`;`-separated, UTF-8 with BOM, pt-BR decimals). A preview
 * says so on every page and in the CSV's first line.
 */
import PDFDocument from 'pdfkit';
import { formatBrDate, formatBrlText, formatDocument } from '../dunning/templates.ts';
import { centsToCsv, guardFormula, quoteCell } from '../shared/csvExport.ts';
import { formatBasisPoints } from './fees.ts';
import type { FeeStatement } from './statements.ts';

const brMonth = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

/** '1666.6500' → '16,6665' (reais, exact). */
function exactReais(centsExact: string): string {
  const [int = '0', frac = ''] = centsExact.split('.');
  const negative = int.startsWith('-');
  const digits = (negative ? int.slice(1) : int).padStart(3, '0');
  const reais = digits.slice(0, -2).replace(/^0+(?=\d)/, '');
  const cents = digits.slice(-2);
  const rest = frac.replace(/0+$/, '');
  return `${negative ? '-' : ''}${reais},${cents}${rest}`;
}

export function statementTitle(s: FeeStatement): string {
  return s.state === 'issued'
    ? `Fatura de honorários nº ${s.number} — ${brMonth(s.month)}`
    : `Prévia da fatura de honorários — ${brMonth(s.month)}`;
}

export function statementFilename(s: FeeStatement, extension: 'pdf' | 'csv'): string {
  const kind = s.state === 'issued' ? `fatura-${s.number}` : 'previa';
  return `honorarios-${s.creditor.cnpj}-${s.month}-${kind}.${extension}`;
}

function termsText(s: FeeStatement): string {
  const t = s.terms;
  const success =
    t.tiers.length > 0
      ? t.tiers
          .map((tier) =>
            tier.toDays === null
              ? `${tier.fromDays}+ dias: ${formatBasisPoints(tier.basisPoints)}`
              : `${tier.fromDays}-${tier.toDays} dias: ${formatBasisPoints(tier.basisPoints)}`,
          )
          .join('; ')
      : formatBasisPoints(t.successFeeBasisPoints ?? 0);
  const since =
    t.source === 'version' && t.effectiveMonth
      ? `vigentes desde ${brMonth(t.effectiveMonth)}`
      : 'do cadastro do credor';
  return `Condições (${since}): mensalidade ${formatBrlText(t.monthlyFeeCents)}; taxa de êxito ${success}.`;
}

export function statementPdf(s: FeeStatement): NodeJS.ReadableStream {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: 40, bottom: 40, left: 40, right: 40 },
  });
  doc.info.Title = statementTitle(s);
  const preview = s.state !== 'issued';
  const stamp = () => {
    if (!preview) return;
    doc.save().font('Helvetica-Bold').fontSize(9).fillColor('#b45309');
    doc.text(`PRÉVIA — NÃO É UMA FATURA. ${s.note}`, 40, 20, { lineBreak: false });
    doc.restore().fillColor('black');
  };
  stamp();
  doc.on('pageAdded', stamp);
  doc.font('Helvetica-Bold').fontSize(15).text(statementTitle(s), 40, 40);
  doc.font('Helvetica').fontSize(9).moveDown(0.3);
  const issuer = s.issuer;
  doc.text(
    issuer
      ? `Emitente: ${issuer.legalName} · CNPJ ${formatDocument(issuer.cnpj)}${issuer.address ? ` · ${issuer.address}` : ''}`
      : 'Emitente: dados do emissor ainda não informados.',
  );
  doc.text(`Cliente (credor): ${s.creditor.legalName} · CNPJ ${formatDocument(s.creditor.cnpj)}`);
  doc.text(
    `Período: ${formatBrDate(s.period.from)} a ${formatBrDate(s.period.to)}${s.issuedAt ? ` · emitida em ${new Date(s.issuedAt).toLocaleString('pt-BR', { timeZone: 'America/Sao_Paulo' })}` : ''}`,
  );
  doc.text(termsText(s));
  doc.text(
    'Base: valores recebidos pela assessoria no período e alocados a títulos do credor vencidos na data do pagamento; em acordos, o atraso conta do vencimento mais antigo dos títulos renegociados. Arredondamento único, no total; as linhas somam o total.',
  );
  doc.moveDown(0.6);

  // 754 points: the width of A4 landscape inside the margins.
  const columns: Array<[string, number, 'left' | 'right']> = [
    ['#', 18, 'right'],
    ['Pagamento', 48, 'left'],
    ['Data', 50, 'left'],
    ['Devedor', 150, 'left'],
    ['CPF/CNPJ', 80, 'left'],
    ['Título', 70, 'left'],
    ['Vencido desde', 58, 'left'],
    ['Dias', 30, 'right'],
    ['Valor', 70, 'right'],
    ['Taxa', 38, 'right'],
    ['Honorário exato', 80, 'right'],
    ['Honorário', 62, 'right'],
  ];
  const header = columns.map(([label]) => label);
  const row = (cells: string[], bold = false) => {
    if (doc.y > doc.page.height - 60) {
      doc.addPage();
      // Each page starts with the column titles again.
      if (!bold) row(header, true);
    }
    const y = doc.y;
    let x = 40;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
    cells.forEach((cell, i) => {
      const [, width, align] = columns[i] ?? ['', 50, 'left'];
      // One line per cell: a long name is cut with an ellipsis.
      doc.text(cell, x, y, { width: width - 4, height: 9, align, ellipsis: true });
      x += width;
    });
    doc.x = 40;
    doc.y = y + 12;
  };
  row(header, true);
  for (const l of s.lines)
    row([
      String(l.lineNo),
      String(l.paymentId),
      formatBrDate(l.paidOn),
      `${l.debtorName}${l.carriedOver ? ' *' : ''}`,
      formatDocument(l.debtorDocument),
      l.receivable,
      formatBrDate(l.lateSince),
      String(l.daysLate),
      formatBrlText(l.cents),
      formatBasisPoints(l.basisPoints),
      `R$ ${exactReais(l.feeExact)}`,
      formatBrlText(l.feeCents),
    ]);
  if (s.lines.length === 0) doc.font('Helvetica').fontSize(9).text('Nenhum valor recuperado no período.', 40);
  if (s.lines.some((l) => l.carriedOver))
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .text('* Pago em mês já faturado e conciliado depois da emissão daquela fatura: cobrado nesta.', 40);
  doc.moveDown(0.8).font('Helvetica').fontSize(10);
  doc.text(`Valor recuperado: ${formatBrlText(s.recoveredCents)} (${s.lines.length} lançamentos)`, 40);
  doc.text(
    `Honorário de êxito: ${formatBrlText(s.successFeeCents)} (exato: R$ ${exactReais(s.successFeeExact)})`,
  );
  doc.text(`Mensalidade: ${formatBrlText(s.monthlyFeeCents)}`);
  doc.font('Helvetica-Bold').text(`Total: ${formatBrlText(s.totalCents)}`);
  doc.end();
  return doc;
}

/**
 * A cell, quoted when needed; text a spreadsheet would run as a formula gets a leading apostrophe,
 * except the negative amounts this file writes itself.
 */
const csvCell = (value: string) => quoteCell(/^-[\d.,]+$/.test(value) ? value : guardFormula(value));
const decimal = centsToCsv;

/** The statement as CSV: a header block, one row per line, then the totals. */
export function statementCsv(s: FeeStatement): string {
  const rows: string[][] = [
    [statementTitle(s)],
    [s.state === 'issued' ? 'Fatura emitida' : `PRÉVIA — ${s.note}`],
    [
      'Emitente',
      s.issuer ? `${s.issuer.legalName} (CNPJ ${formatDocument(s.issuer.cnpj)})` : 'não informado',
    ],
    ['Credor', `${s.creditor.legalName} (CNPJ ${formatDocument(s.creditor.cnpj)})`],
    ['Período', `${formatBrDate(s.period.from)} a ${formatBrDate(s.period.to)}`],
    [termsText(s)],
    [],
    [
      'linha',
      'pagamento',
      'data_pagamento',
      'devedor',
      'cpf_cnpj',
      'titulo',
      'acordo',
      'vencido_desde',
      'dias_atraso',
      'valor',
      'taxa_percentual',
      'honorario_exato',
      'honorario',
      'mes_anterior',
    ],
    ...s.lines.map((l) => [
      String(l.lineNo),
      String(l.paymentId),
      formatBrDate(l.paidOn),
      l.debtorName,
      formatDocument(l.debtorDocument),
      l.receivable,
      l.agreementId === null ? '' : String(l.agreementId),
      formatBrDate(l.lateSince),
      String(l.daysLate),
      decimal(l.cents),
      formatBasisPoints(l.basisPoints).replace('%', ''),
      exactReais(l.feeExact),
      decimal(l.feeCents),
      l.carriedOver ? 'sim' : 'não',
    ]),
    [],
    ['valor_recuperado', decimal(s.recoveredCents)],
    ['honorario_exito', decimal(s.successFeeCents)],
    ['mensalidade', decimal(s.monthlyFeeCents)],
    ['total', decimal(s.totalCents)],
  ];
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
