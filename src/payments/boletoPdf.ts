import { PassThrough } from 'node:stream';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { formatBrDate, formatBrlText, formatDocument } from '../dunning/templates.ts';
import type { CalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { barcodeToLine, formatLine, parseBoleto } from './boleto.ts';

export type BoletoPdfData = {
  /** The bank as printed in the header: code, its DV and name (`BANCO_DO_BRASIL`). */
  bank: { code: string; digit: string; name: string };
  /** The 44-digit barcode (`buildBarcode` / `issueBancoDoBrasilBoleto`). */
  barcode: string;
  /** The creditor, identified as CDC art. 42-A requires: name, CNPJ and address. */
  beneficiary: { name: string; document: string; address: string };
  /** "Agência / Código do Beneficiário" as the bank prints it, e.g. `1234-5 / 12345-6`. */
  beneficiaryCode: string;
  /** The debtor. */
  payer: { name: string; document: string; address: string };
  /** Must be the date the barcode's factor encodes; null for "contra apresentação". */
  dueDate: CalendarDate | null;
  /** Must be the amount in the barcode. */
  amountCents: Cents;
  nossoNumero: string;
  /** "Nº do documento": the creditor's reference (invoice, agreement installment). */
  documentNumber: string;
  documentDate: CalendarDate;
  processingDate: CalendarDate;
  carteira: string;
  /** "Espécie doc.", `DM` (duplicata mercantil) unless told. */
  documentKind?: string;
  /** Instructions to the cashier, e.g. the multa and juros text; one line each. */
  instructions: string[];
  /** What the boleto pays, shown in the payer's receipt. */
  description?: string;
  /** "Local de pagamento", `Pagável em qualquer banco` unless told. */
  paymentPlace?: string;
};

const MM = 72 / 25.4;
const LEFT = 36;
const WIDTH = 523;
const RIGHT_COLUMN = 140;
const MAIN = WIDTH - RIGHT_COLUMN;
const LABEL_SIZE = 6;
const VALUE_SIZE = 9;

/**
 * One boleto on an A4 page: the payer's receipt (recibo do pagador) above the cut line and the ficha
 * de compensação below, with the linha digitável, the beneficiary's name, CNPJ and address (CDC art.
 * 42-A), the payer, due date, amount, nosso número, the instructions, and the barcode drawn as
 * Interleaved 2 of 5 (103 x 13 mm). Throws at once when the barcode is invalid or does not carry the
 * given amount and due date; the stream starts once the barcode image is rendered.
 */
export function boletoPdf(data: BoletoPdfData): NodeJS.ReadableStream {
  const parsed = parseBoleto(data.barcode, data.dueDate ?? data.processingDate);
  if (!parsed.ok) throw new RangeError(`boletoPdf: ${parsed.error}`);
  if (parsed.kind !== 'cobranca') throw new RangeError('boletoPdf: not a cobrança barcode');
  if (parsed.barcode !== data.barcode) throw new RangeError('boletoPdf: pass the 44-digit barcode');
  if (parsed.amountCents !== data.amountCents) {
    throw new RangeError('boletoPdf: the amount differs from the barcode');
  }
  if (parsed.dueDate !== data.dueDate)
    throw new RangeError('boletoPdf: the due date differs from the barcode');
  const out = new PassThrough();
  bwipjs.toBuffer({ bcid: 'interleaved2of5', text: data.barcode, height: 13, includetext: false }).then(
    (png) => {
      const doc = render(data, png);
      doc.on('error', (error: Error) => out.destroy(error));
      doc.pipe(out);
    },
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

type Doc = PDFKit.PDFDocument;
type Cell = { label: string; value?: string; width: number; align?: 'left' | 'right'; bold?: boolean };

function render(data: BoletoPdfData, barcodePng: Buffer): Doc {
  const doc = new PDFDocument({ size: 'A4', margin: 0 });
  doc.info.Title = `Boleto ${data.nossoNumero}`;
  doc.info.Creator = 'Régua';
  doc.lineWidth(0.5).strokeColor('#000');
  const line = formatLine(barcodeToLine(data.barcode));
  const due = data.dueDate === null ? 'Contra apresentação' : formatBrDate(data.dueDate);
  const amount = formatBrlText(data.amountCents);
  const beneficiary = `${data.beneficiary.name} - ${documentLabel(data.beneficiary.document)}`;
  const payer = `${data.payer.name} - ${documentLabel(data.payer.document)}`;

  // Recibo do pagador
  let y = 36;
  y = header(doc, data.bank, y, 'Recibo do Pagador', { size: 11 });
  y = row(doc, y, 34, [
    { label: 'Beneficiário', value: `${beneficiary}\n${data.beneficiary.address}`, width: MAIN },
    {
      label: 'Agência / Código do Beneficiário',
      value: data.beneficiaryCode,
      width: RIGHT_COLUMN,
      align: 'right',
    },
  ]);
  y = row(doc, y, 34, [
    { label: 'Pagador', value: `${payer}\n${data.payer.address}`, width: MAIN },
    { label: 'Nosso número', value: data.nossoNumero, width: RIGHT_COLUMN, align: 'right' },
  ]);
  y = row(doc, y, 24, [
    { label: 'Nº do documento', value: data.documentNumber, width: 150 },
    { label: 'Data do documento', value: formatBrDate(data.documentDate), width: 110 },
    { label: 'Carteira', value: data.carteira, width: MAIN - 260 },
    { label: 'Vencimento', value: due, width: RIGHT_COLUMN, align: 'right', bold: true },
  ]);
  const demonstrativo = [data.description ?? '', ...data.instructions].filter((l) => l.trim() !== '');
  cell(doc, LEFT, y, 60, { label: 'Demonstrativo', value: demonstrativo.join('\n'), width: MAIN });
  cell(doc, LEFT + MAIN, y, 30, {
    label: '(=) Valor do documento',
    value: amount,
    width: RIGHT_COLUMN,
    align: 'right',
    bold: true,
  });
  cell(doc, LEFT + MAIN, y + 30, 30, { label: '(=) Valor cobrado', width: RIGHT_COLUMN });
  y += 60;
  small(doc, 'Autenticação mecânica', y + 3);

  // Cut line
  y += 28;
  doc
    .save()
    .dash(3, { space: 3 })
    .moveTo(LEFT, y)
    .lineTo(LEFT + WIDTH, y)
    .stroke()
    .restore();
  small(doc, 'Corte na linha pontilhada', y + 3);

  // Ficha de compensação
  y += 24;
  y = header(doc, data.bank, y, line, { size: 10.5 });
  y = row(doc, y, 24, [
    { label: 'Local de pagamento', value: data.paymentPlace ?? 'Pagável em qualquer banco', width: MAIN },
    { label: 'Vencimento', value: due, width: RIGHT_COLUMN, align: 'right', bold: true },
  ]);
  y = row(doc, y, 34, [
    { label: 'Beneficiário', value: `${beneficiary}\n${data.beneficiary.address}`, width: MAIN },
    {
      label: 'Agência / Código do Beneficiário',
      value: data.beneficiaryCode,
      width: RIGHT_COLUMN,
      align: 'right',
    },
  ]);
  y = row(doc, y, 24, [
    { label: 'Data do documento', value: formatBrDate(data.documentDate), width: 80 },
    { label: 'Nº do documento', value: data.documentNumber, width: 110 },
    { label: 'Espécie doc.', value: data.documentKind ?? 'DM', width: 55 },
    { label: 'Aceite', value: 'N', width: 40 },
    { label: 'Data do processamento', value: formatBrDate(data.processingDate), width: MAIN - 285 },
    { label: 'Nosso número', value: data.nossoNumero, width: RIGHT_COLUMN, align: 'right' },
  ]);
  y = row(doc, y, 24, [
    { label: 'Uso do banco', width: 80 },
    { label: 'Carteira', value: data.carteira, width: 55 },
    { label: 'Espécie', value: 'R$', width: 55 },
    { label: 'Quantidade', width: 95 },
    { label: 'Valor', width: MAIN - 285 },
    { label: '(=) Valor do documento', value: amount, width: RIGHT_COLUMN, align: 'right', bold: true },
  ]);
  const deductions = [
    '(-) Desconto / Abatimento',
    '(-) Outras deduções',
    '(+) Mora / Multa',
    '(+) Outros acréscimos',
    '(=) Valor cobrado',
  ];
  const stepHeight = 22;
  cell(doc, LEFT, y, stepHeight * deductions.length, {
    label: 'Instruções (texto de responsabilidade do beneficiário)',
    value: data.instructions.join('\n'),
    width: MAIN,
  });
  for (const [i, label] of deductions.entries()) {
    cell(doc, LEFT + MAIN, y + i * stepHeight, stepHeight, { label, width: RIGHT_COLUMN });
  }
  y += stepHeight * deductions.length;
  cell(doc, LEFT, y, 40, { label: 'Pagador', value: `${payer}\n${data.payer.address}`, width: WIDTH });
  y += 40;
  small(doc, 'Autenticação mecânica - Ficha de Compensação', y + 3);
  doc.image(barcodePng, LEFT, y + 14, { width: 103 * MM, height: 13 * MM });
  doc.end();
  return doc;
}

/** The bank's name, its code with DV between rules, and the title (or the linha digitável) on the right. */
function header(
  doc: Doc,
  bank: BoletoPdfData['bank'],
  y: number,
  title: string,
  opts: { size: number },
): number {
  const height = 24;
  const nameWidth = 150;
  const codeWidth = 60;
  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(bank.name, LEFT, y + 8, { width: nameWidth - 4, height: 14, ellipsis: true, lineBreak: false });
  doc
    .fontSize(14)
    .text(`${bank.code}-${bank.digit}`, LEFT + nameWidth, y + 6, { width: codeWidth, align: 'center' });
  doc.fontSize(opts.size).text(title, LEFT + nameWidth + codeWidth, y + 9, {
    width: WIDTH - nameWidth - codeWidth,
    align: 'right',
    lineBreak: false,
  });
  doc.save().lineWidth(1.5);
  for (const x of [LEFT + nameWidth, LEFT + nameWidth + codeWidth]) {
    doc
      .moveTo(x, y + 4)
      .lineTo(x, y + height)
      .stroke();
  }
  doc
    .moveTo(LEFT, y + height)
    .lineTo(LEFT + WIDTH, y + height)
    .stroke()
    .restore();
  return y + height;
}

function row(doc: Doc, y: number, height: number, cells: Cell[]): number {
  let x = LEFT;
  for (const c of cells) {
    cell(doc, x, y, height, c);
    x += c.width;
  }
  return y + height;
}

/** A labelled box: the caption small and grey at the top, the value below it. */
function cell(doc: Doc, x: number, y: number, height: number, c: Cell): void {
  doc.rect(x, y, c.width, height).stroke();
  doc
    .font('Helvetica')
    .fontSize(LABEL_SIZE)
    .fillColor('#444')
    .text(c.label, x + 3, y + 2, {
      width: c.width - 6,
      height: LABEL_SIZE + 2,
      ellipsis: true,
      lineBreak: false,
    });
  if (c.value) {
    doc
      .font(c.bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(c.value.includes('\n') ? 8 : VALUE_SIZE)
      .fillColor('black')
      .text(c.value, x + 3, y + 10, {
        width: c.width - 6,
        height: height - 11,
        ellipsis: true,
        align: c.align ?? 'left',
      });
  }
  doc.fillColor('black');
}

function small(doc: Doc, text: string, y: number): void {
  doc
    .font('Helvetica')
    .fontSize(LABEL_SIZE)
    .fillColor('#444')
    .text(text, LEFT, y, { width: WIDTH, align: 'right', lineBreak: false })
    .fillColor('black');
}

function documentLabel(document: string): string {
  const digits = document.replace(/[.\-/\s]/g, '');
  return `${digits.length === 11 ? 'CPF' : 'CNPJ'} ${formatDocument(document)}`;
}
