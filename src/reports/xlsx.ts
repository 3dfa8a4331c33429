/**
 * The monthly report as an XLSX workbook (exceljs): one sheet per section (Resumo, Carteira,
 * Recuperação, Indicadores, Ações, Acordos) holding real numbers, not text: money in reais with an R$
 * number format, ratios with a percent format, dates as dates. Each sheet's header row is frozen and
 * its columns sized; the partial-period banner heads the Resumo. Pure: a MonthlyReport in, bytes out.
 */
import ExcelJS from 'exceljs';
import { formatDocument } from '../dunning/templates.ts';
import type { CalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import {
  AGREEMENT_STATUS_LABELS,
  BUCKET_LABELS,
  CALL_OUTCOME_LABELS,
  CHANNEL_LABELS,
  label,
  MESSAGE_STATUS_LABELS,
  monthLabel,
  NO_DATA,
  PURPOSE_LABELS,
  SOURCE_LABELS,
} from './format.ts';
import type { KpiRow, MonthlyReport } from './monthly.ts';

export const SHEETS = ['Resumo', 'Carteira', 'Recuperação', 'Indicadores', 'Ações', 'Acordos'] as const;

export const BRL_FORMAT = '"R$" #,##0.00;[Red]-"R$" #,##0.00';
export const PERCENT_FORMAT = '0.00%';
export const DATE_FORMAT = 'dd/mm/yyyy';
export const DAYS_FORMAT = '0.0';
export const COUNT_FORMAT = '#,##0';

/** Centavos as reais, the number a spreadsheet adds up (display and sums only; the report keeps centavos). */
export const reais = (cents: Cents) => cents / 100;

/** A calendar date as the spreadsheet date of that day (midnight UTC, which exceljs writes as the day). */
export function sheetDate(date: CalendarDate): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

/**
 * An instant as the spreadsheet date-time a person in `timeZone` reads on the wall clock (a sheet has
 * no time zones: exceljs writes a Date's UTC fields).
 */
export function sheetDateTime(iso: string, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return new Date(
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')),
  );
}

type Cell = string | number | Date | null;
type Column = { header: string; width: number; format?: string };

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF6' } };

/**
 * Writes a block of columns starting at `startColumn` (1-based): a bold header in row 1 and the rows
 * below it, each column with its width and number format.
 */
function block(sheet: ExcelJS.Worksheet, startColumn: number, columns: Column[], rows: Cell[][]) {
  columns.forEach((c, i) => {
    const column = sheet.getColumn(startColumn + i);
    column.width = c.width;
    const head = sheet.getCell(1, startColumn + i);
    head.value = c.header;
    head.font = { bold: true };
    head.fill = HEADER_FILL;
    head.alignment = { vertical: 'middle', wrapText: true };
  });
  rows.forEach((row, r) => {
    row.forEach((value, i) => {
      const cell = sheet.getCell(r + 2, startColumn + i);
      cell.value = value;
      const format = columns[i]?.format;
      if (format && typeof value !== 'string') cell.numFmt = format;
    });
  });
}

function sheet(workbook: ExcelJS.Workbook, name: (typeof SHEETS)[number]) {
  return workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
}

const kpiFormat = (unit: KpiRow['unit']) =>
  unit === 'ratio'
    ? PERCENT_FORMAT
    : unit === 'cents'
      ? BRL_FORMAT
      : unit === 'days'
        ? DAYS_FORMAT
        : unit === 'percent'
          ? '0.00'
          : COUNT_FORMAT;

/** A KPI's value as a number for the sheet (money in reais), or "sem dados". */
const kpiValue = (unit: KpiRow['unit'], value: number | null): Cell =>
  value === null ? NO_DATA : unit === 'cents' ? reais(value) : value;

const ratioCell = (value: number | null): Cell => (value === null ? NO_DATA : value);

function summarySheet(workbook: ExcelJS.Workbook, r: MonthlyReport) {
  const s = sheet(workbook, 'Resumo');
  const h = r.header;
  s.getColumn(1).width = 42;
  s.getColumn(2).width = 26;
  s.getColumn(3).width = 26;
  const title = s.getCell('A1');
  title.value = `Relatório mensal de cobrança - ${h.creditor.legalName} - ${h.monthLabel}`;
  title.font = { bold: true, size: 14 };
  let row = 2;
  const put = (name: string, value: Cell, format?: string, previous?: Cell) => {
    s.getCell(row, 1).value = name;
    const cell = s.getCell(row, 2);
    cell.value = value;
    if (format && typeof value !== 'string') cell.numFmt = format;
    if (previous !== undefined) {
      const before = s.getCell(row, 3);
      before.value = previous;
      if (format && typeof previous !== 'string') before.numFmt = format;
    }
    row++;
  };
  if (h.banner) {
    const banner = s.getCell(row, 1);
    banner.value = h.banner;
    banner.font = { bold: true, color: { argb: 'FF7C5E10' } };
    banner.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF3BF' } };
    s.mergeCells(row, 1, row, 3);
    // The banner stays in view with the title.
    s.views = [{ state: 'frozen', ySplit: 2 }];
    row++;
  }
  put('Operação (BPO)', h.organization);
  put('Credor', h.creditor.legalName);
  put('CNPJ', formatDocument(h.creditor.cnpj));
  put('Mês de referência', h.monthLabel);
  put('Início do período', sheetDate(h.from), DATE_FORMAT);
  put('Fim do período', sheetDate(h.to), DATE_FORMAT);
  put('Dados até', sheetDate(h.dataUntil), DATE_FORMAT);
  put('Situação', h.status === 'closed' ? 'Fechado' : 'Parcial (período em andamento)');
  put('Gerado em', sheetDateTime(h.generatedAt, h.timeZone), 'dd/mm/yyyy hh:mm');
  row++;
  const head = s.getRow(row);
  head.values = ['Principais números', monthLabel(h.month), monthLabel(h.previousMonth)];
  head.font = { bold: true };
  row++;
  put(
    'Carteira em aberto no fim do mês',
    reais(r.portfolio.totalCents),
    BRL_FORMAT,
    reais(r.portfolio.previous.totalCents),
  );
  put('Títulos em aberto', r.portfolio.count, COUNT_FORMAT, r.portfolio.previous.count);
  put('Saldo vencido', reais(r.portfolio.overdueCents), BRL_FORMAT, reais(r.portfolio.previous.overdueCents));
  put(
    'Inadimplência',
    ratioCell(r.portfolio.defaultRate),
    PERCENT_FORMAT,
    ratioCell(r.portfolio.previous.defaultRate),
  );
  put(
    'Recebido no mês',
    reais(r.recovery.collectedCents),
    BRL_FORMAT,
    reais(r.recovery.previousCollectedCents),
  );
  put('Taxa de recuperação', ratioCell(r.recovery.rate), PERCENT_FORMAT, ratioCell(r.recovery.previousRate));
  put('Acordos firmados', r.agreements.made, COUNT_FORMAT);
  put('Valor dos acordos firmados', reais(r.agreements.madeCents), BRL_FORMAT);
  put(
    'Mensagens enviadas',
    r.actions.byChannel.reduce((n, c) => n + c.attempted, 0),
    COUNT_FORMAT,
  );
  put('Ligações feitas', r.actions.calls.done, COUNT_FORMAT);
  if (r.notes.length > 0) {
    row++;
    s.getCell(row, 1).value = 'Observações';
    s.getCell(row, 1).font = { bold: true };
    row++;
    for (const note of r.notes) {
      s.getCell(row, 1).value = note;
      s.mergeCells(row, 1, row, 3);
      s.getCell(row, 1).alignment = { wrapText: true, vertical: 'top' };
      s.getRow(row).height = 30;
      row++;
    }
  }
}

function portfolioSheet(workbook: ExcelJS.Workbook, r: MonthlyReport) {
  const p = r.portfolio;
  const s = sheet(workbook, 'Carteira');
  block(
    s,
    1,
    [
      { header: 'Faixa de atraso', width: 20 },
      { header: `Saldo em ${p.asOf.split('-').reverse().join('/')}`, width: 18, format: BRL_FORMAT },
      { header: 'Títulos', width: 10, format: COUNT_FORMAT },
      { header: '% da carteira', width: 14, format: PERCENT_FORMAT },
      { header: `Saldo em ${p.previousAsOf.split('-').reverse().join('/')}`, width: 18, format: BRL_FORMAT },
      { header: 'Títulos (mês anterior)', width: 14, format: COUNT_FORMAT },
    ],
    [
      ...p.buckets.map((b) => [
        label(BUCKET_LABELS, b.bucket),
        reais(b.cents),
        b.count,
        ratioCell(b.share),
        reais(b.previousCents),
        b.previousCount,
      ]),
      [
        'Total',
        reais(p.totalCents),
        p.count,
        p.totalCents === 0 ? NO_DATA : 1,
        reais(p.previous.totalCents),
        p.previous.count,
      ],
    ],
  );
  s.getRow(p.buckets.length + 2).font = { bold: true };
}

function recoverySheet(workbook: ExcelJS.Workbook, r: MonthlyReport) {
  const x = r.recovery;
  const s = sheet(workbook, 'Recuperação');
  block(
    s,
    1,
    [
      { header: 'Dia', width: 12, format: DATE_FORMAT },
      { header: 'Recebido', width: 16, format: BRL_FORMAT },
    ],
    x.byDay.map((d) => [sheetDate(d.day), reais(d.cents)]),
  );
  block(
    s,
    4,
    [
      { header: 'Semana de', width: 12, format: DATE_FORMAT },
      { header: 'até', width: 12, format: DATE_FORMAT },
      { header: 'Recebido', width: 16, format: BRL_FORMAT },
    ],
    x.byWeek.map((w) => [sheetDate(w.from), sheetDate(w.to), reais(w.cents)]),
  );
  block(
    s,
    8,
    [
      { header: 'Origem do pagamento', width: 32 },
      { header: 'Pagamentos', width: 12, format: COUNT_FORMAT },
      { header: 'Recebido', width: 16, format: BRL_FORMAT },
    ],
    x.bySource.map((o) => [label(SOURCE_LABELS, o.source), o.payments, reais(o.cents)]),
  );
  block(
    s,
    12,
    [
      { header: 'Faixa de atraso no pagamento', width: 26 },
      { header: 'Recebido', width: 16, format: BRL_FORMAT },
    ],
    x.byBucket.map((b) => [label(BUCKET_LABELS, b.bucket), reais(b.cents)]),
  );
  block(
    s,
    15,
    [
      { header: 'Totais do mês', width: 40 },
      { header: 'Valor', width: 16 },
    ],
    [
      ['Recebido sobre os títulos do credor', reais(x.collectedCents)],
      ['Recebido no mês anterior', reais(x.previousCollectedCents)],
      ['Vencido no início do mês', reais(x.overdueAtStartCents)],
      ['Recuperado sobre o vencido', reais(x.recoveredCents)],
      ['Taxa de recuperação', ratioCell(x.rate)],
      ['Taxa de recuperação (mês anterior)', ratioCell(x.previousRate)],
      ['Pagamentos recebidos (quantidade)', x.payments],
      ['Pagamentos recebidos (com encargos)', reais(x.receivedCents)],
    ],
  );
  const formats = [
    BRL_FORMAT,
    BRL_FORMAT,
    BRL_FORMAT,
    BRL_FORMAT,
    PERCENT_FORMAT,
    PERCENT_FORMAT,
    COUNT_FORMAT,
    BRL_FORMAT,
  ];
  formats.forEach((format, i) => {
    const cell = s.getCell(i + 2, 16);
    if (typeof cell.value === 'number') cell.numFmt = format;
  });
}

function kpiSheet(workbook: ExcelJS.Workbook, r: MonthlyReport) {
  const s = sheet(workbook, 'Indicadores');
  const h = r.header;
  s.getColumn(1).width = 42;
  for (const c of [2, 3]) s.getColumn(c).width = 18;
  s.getColumn(4).width = 12;
  const unitLabel: Record<KpiRow['unit'], string> = {
    days: 'dias',
    ratio: '%',
    percent: '%',
    cents: 'R$',
    count: 'quantidade',
  };
  for (const [i, text] of [
    'Indicador',
    monthLabel(h.month),
    monthLabel(h.previousMonth),
    'Unidade',
  ].entries()) {
    const cell = s.getCell(1, i + 1);
    cell.value = text;
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
  }
  r.kpis.rows.forEach((k, i) => {
    const row = i + 2;
    s.getCell(row, 1).value = k.label;
    for (const [col, value] of [
      [2, k.value],
      [3, k.previous],
    ] as const) {
      const cell = s.getCell(row, col);
      cell.value = kpiValue(k.unit, value);
      if (value !== null) cell.numFmt = kpiFormat(k.unit);
    }
    s.getCell(row, 4).value = unitLabel[k.unit];
  });
  block(
    s,
    6,
    [
      { header: 'Canal', width: 14 },
      { header: 'Tentativas', width: 11, format: COUNT_FORMAT },
      { header: 'Entregues', width: 11, format: COUNT_FORMAT },
      { header: 'Respostas', width: 11, format: COUNT_FORMAT },
      { header: 'Taxa de contato', width: 14, format: PERCENT_FORMAT },
      { header: 'Taxa de resposta', width: 14, format: PERCENT_FORMAT },
      { header: 'Contato (mês anterior)', width: 14, format: PERCENT_FORMAT },
      { header: 'Resposta (mês anterior)', width: 14, format: PERCENT_FORMAT },
    ],
    r.kpis.channels.map((c) => [
      label(CHANNEL_LABELS, c.channel),
      c.attempted,
      c.delivered,
      c.replied,
      ratioCell(c.contactRate),
      ratioCell(c.responseRate),
      ratioCell(c.previousContactRate),
      ratioCell(c.previousResponseRate),
    ]),
  );
}

function actionsSheet(workbook: ExcelJS.Workbook, r: MonthlyReport) {
  const a = r.actions;
  const s = sheet(workbook, 'Ações');
  block(
    s,
    1,
    [
      { header: 'Ação', width: 32 },
      { header: 'Quantidade', width: 14, format: COUNT_FORMAT },
    ],
    [
      ['Cartas enviadas', a.letters],
      ['Notificações prévias (cartas)', a.priorNotices],
      ['Negativações', a.negativacoes],
      ['Protestos', a.protests],
      ['Ligações feitas', a.calls.done],
      ['Ligações abertas no mês, por fazer', a.calls.open],
      ['Promessas de pagamento registradas', a.promisesMade],
      ['Valor prometido', reais(a.promisedCents)],
    ],
  );
  s.getCell(9, 2).numFmt = BRL_FORMAT;
  block(
    s,
    4,
    [
      { header: 'Canal', width: 14 },
      { header: 'Total', width: 9, format: COUNT_FORMAT },
      { header: 'Enviadas', width: 10, format: COUNT_FORMAT },
      { header: 'Entregues', width: 10, format: COUNT_FORMAT },
      { header: 'Falharam', width: 10, format: COUNT_FORMAT },
      { header: 'Não enviadas', width: 12, format: COUNT_FORMAT },
      { header: 'Custo', width: 12, format: BRL_FORMAT },
    ],
    a.byChannel.map((c) => [
      label(CHANNEL_LABELS, c.channel),
      c.total,
      c.attempted,
      c.delivered,
      c.failed,
      c.notSent,
      reais(c.costCents),
    ]),
  );
  block(
    s,
    12,
    [
      { header: 'Canal', width: 14 },
      { header: 'Finalidade', width: 24 },
      { header: 'Situação', width: 12 },
      { header: 'Mensagens', width: 11, format: COUNT_FORMAT },
    ],
    a.messages.map((m) => [
      label(CHANNEL_LABELS, m.channel),
      label(PURPOSE_LABELS, m.purpose),
      label(MESSAGE_STATUS_LABELS, m.status),
      m.count,
    ]),
  );
  block(
    s,
    17,
    [
      { header: 'Resultado da ligação', width: 22 },
      { header: 'Ligações', width: 10, format: COUNT_FORMAT },
    ],
    a.calls.byOutcome.map((c) => [label(CALL_OUTCOME_LABELS, c.outcome), c.count]),
  );
  block(
    s,
    20,
    [
      { header: 'Régua', width: 18 },
      { header: 'Versão', width: 8, format: COUNT_FORMAT },
      { header: 'Passo', width: 22 },
      { header: 'Variante', width: 9 },
      { header: 'Canal', width: 12 },
      { header: 'Contatos', width: 10, format: COUNT_FORMAT },
      { header: 'Avaliados', width: 10, format: COUNT_FORMAT },
      { header: 'Convertidos', width: 11, format: COUNT_FORMAT },
      { header: 'Conversão', width: 11, format: PERCENT_FORMAT },
    ],
    a.steps.map((x) => [
      x.cadenceName,
      x.version,
      x.stepKey,
      x.variantKey,
      label(CHANNEL_LABELS, x.channel),
      x.contacts,
      x.judged,
      x.converted,
      ratioCell(x.rate),
    ]),
  );
}

function agreementsSheet(workbook: ExcelJS.Workbook, r: MonthlyReport) {
  const s = sheet(workbook, 'Acordos');
  block(
    s,
    1,
    [
      { header: 'Nº', width: 8, format: '0' },
      { header: 'Devedor', width: 30 },
      { header: 'Firmado em', width: 12, format: DATE_FORMAT },
      { header: 'Oferta', width: 13 },
      { header: 'Parcelas', width: 9, format: COUNT_FORMAT },
      { header: 'Dívida atualizada', width: 16, format: BRL_FORMAT },
      { header: 'Desconto', width: 14, format: BRL_FORMAT },
      { header: 'Valor do acordo', width: 16, format: BRL_FORMAT },
      { header: 'Situação', width: 11 },
      { header: 'Encerrado em', width: 12, format: DATE_FORMAT },
      { header: 'Motivo do encerramento', width: 30 },
      { header: 'Firmado no mês', width: 10 },
      { header: 'Encerrado no mês', width: 10 },
    ],
    r.agreements.list.map((a) => [
      a.id,
      a.debtorName,
      sheetDate(a.madeOn),
      a.offerKey,
      a.installments,
      reais(a.updatedCents),
      reais(a.discountCents),
      reais(a.totalCents),
      label(AGREEMENT_STATUS_LABELS, a.status),
      a.endedOn ? sheetDate(a.endedOn) : null,
      a.endReason,
      a.madeInMonth ? 'sim' : 'não',
      a.endedInMonth ? 'sim' : 'não',
    ]),
  );
  const total = r.agreements.list.length + 3;
  const a = r.agreements;
  const lines: Array<[string, Cell, string]> = [
    ['Firmados no mês', a.made, COUNT_FORMAT],
    ['Valor firmado no mês', reais(a.madeCents), BRL_FORMAT],
    ['Firmados no mês e quebrados até o fim do período', a.madeAndBroken, COUNT_FORMAT],
    ['Taxa de quebra', ratioCell(a.brokenRate), PERCENT_FORMAT],
    ['Quitados no mês', a.completed, COUNT_FORMAT],
    ['Valor quitado', reais(a.completedCents), BRL_FORMAT],
    ['Quebrados no mês', a.broken, COUNT_FORMAT],
    ['Valor quebrado', reais(a.brokenCents), BRL_FORMAT],
    ['Cancelados no mês', a.cancelled, COUNT_FORMAT],
  ];
  lines.forEach(([name, value, format], i) => {
    s.getCell(total + i, 2).value = name;
    const cell = s.getCell(total + i, 3);
    cell.value = value;
    if (typeof value === 'number') cell.numFmt = format;
  });
  s.getCell(total, 2).font = { bold: true };
  if (a.list.length === 0) s.getCell(2, 2).value = `Nenhum acordo firmado ou encerrado no mês (${NO_DATA}).`;
}

/** The report as XLSX bytes. */
export async function monthlyReportXlsx(report: MonthlyReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Régua';
  workbook.company = report.header.organization;
  workbook.title = `Relatório mensal ${report.header.month} - ${report.header.creditor.legalName}`;
  workbook.created = new Date(report.header.generatedAt);
  summarySheet(workbook, report);
  portfolioSheet(workbook, report);
  recoverySheet(workbook, report);
  kpiSheet(workbook, report);
  actionsSheet(workbook, report);
  agreementsSheet(workbook, report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
