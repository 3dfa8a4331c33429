/**
 * The monthly report as a PDF a client company reads (pt-BR, A4): a header with the BPO, the creditor
 * and its CNPJ, the partial-period banner while the month runs, a summary, then one section each for
 * the portfolio, the money recovered, the KPIs, the actions and the agreements, with bar charts drawn
 * as pdfkit vectors (no images) and every page numbered. Pure: a MonthlyReport in, the PDF's bytes out.
 */
import PDFDocument from 'pdfkit';
import { formatDocument } from '../dunning/templates.ts';
import type { Cents } from '../shared/money.ts';
import {
  AGREEMENT_STATUS_LABELS,
  BUCKET_LABELS,
  brDate,
  brDateTime,
  brl,
  CALL_OUTCOME_LABELS,
  CHANNEL_LABELS,
  days,
  integer,
  label,
  MESSAGE_STATUS_LABELS,
  monthLabel,
  NO_DATA,
  PURPOSE_LABELS,
  percent,
  percentValue,
  SOURCE_LABELS,
} from './format.ts';
import type { KpiRow, MonthlyReport } from './monthly.ts';

type Doc = PDFKit.PDFDocument;

const MARGIN = 48;
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const WIDTH = PAGE_WIDTH - 2 * MARGIN;
const BOTTOM = PAGE_HEIGHT - MARGIN - 18;
const INK = '#1f2933';
const MUTED = '#616e7c';
const RULE = '#cbd2d9';
const ACCENT = '#1c7ed6';
const PREVIOUS = '#a5b4c4';
const BANNER_FILL = '#fff3bf';
const BANNER_INK = '#7c5e10';

/** A KPI's value as the report writes it. */
export function formatKpi(unit: KpiRow['unit'], value: number | null): string {
  if (value === null) return NO_DATA;
  switch (unit) {
    case 'days':
      return days(value);
    case 'ratio':
      return percent(value);
    case 'percent':
      return percentValue(value);
    case 'cents':
      return brl(value);
    case 'count':
      return integer(value);
  }
}

/** `R$ 1,2 mil` style axis labels: short, in reais. */
export function axisBrl(cents: Cents): string {
  const reais = cents / 100;
  if (reais >= 1_000_000) return `R$ ${(reais / 1_000_000).toFixed(1).replace('.', ',')} mi`;
  if (reais >= 1_000) return `R$ ${(reais / 1_000).toFixed(1).replace('.', ',')} mil`;
  return brl(Math.round(cents));
}

/** A round top for a chart's axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

type Column = { title: string; width: number; align?: 'left' | 'right' };

class Writer {
  y = MARGIN;
  readonly doc: Doc;
  readonly report: MonthlyReport;
  constructor(doc: Doc, report: MonthlyReport) {
    this.doc = doc;
    this.report = report;
  }

  /** Starts a new page when fewer than `height` points are left. */
  room(height: number) {
    if (this.y + height > BOTTOM) {
      this.doc.addPage();
      this.y = MARGIN;
    }
  }

  section(title: string) {
    this.room(60);
    this.y += 10;
    this.doc.font('Helvetica-Bold').fontSize(13).fillColor(INK).text(title, MARGIN, this.y, { width: WIDTH });
    this.y += 18;
    this.doc
      .moveTo(MARGIN, this.y)
      .lineTo(MARGIN + WIDTH, this.y)
      .lineWidth(0.7)
      .strokeColor(ACCENT)
      .stroke();
    this.y += 8;
  }

  subtitle(text: string) {
    this.room(40);
    this.doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(text, MARGIN, this.y, { width: WIDTH });
    this.y += 15;
  }

  paragraph(text: string, options: { size?: number; color?: string } = {}) {
    this.doc.font('Helvetica').fontSize(options.size ?? 9);
    const height = this.doc.heightOfString(text, { width: WIDTH });
    this.room(height + 4);
    this.doc.fillColor(options.color ?? INK).text(text, MARGIN, this.y, { width: WIDTH });
    this.y += height + 4;
  }

  /** A table with a header row; repeats the header on a new page. Rows are cell texts. */
  table(columns: Column[], rows: string[][], options: { boldLast?: boolean } = {}) {
    const rowHeight = 15;
    const header = () => {
      this.doc.rect(MARGIN, this.y, WIDTH, rowHeight).fill('#edf2f7');
      let x = MARGIN;
      this.doc.font('Helvetica-Bold').fontSize(8).fillColor(INK);
      for (const c of columns) {
        this.doc.text(c.title, x + 4, this.y + 4, {
          width: c.width - 8,
          height: 10,
          align: c.align ?? 'left',
          ellipsis: true,
        });
        x += c.width;
      }
      this.y += rowHeight;
    };
    this.room(rowHeight * 2);
    header();
    rows.forEach((row, i) => {
      if (this.y + rowHeight > BOTTOM) {
        this.doc.addPage();
        this.y = MARGIN;
        header();
      }
      const bold = options.boldLast && i === rows.length - 1;
      this.doc
        .font(bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(8)
        .fillColor(INK);
      let x = MARGIN;
      columns.forEach((c, j) => {
        this.doc.text(row[j] ?? '', x + 4, this.y + 4, {
          width: c.width - 8,
          height: 10,
          align: c.align ?? 'left',
          ellipsis: true,
        });
        x += c.width;
      });
      this.y += rowHeight;
      this.doc
        .moveTo(MARGIN, this.y)
        .lineTo(MARGIN + WIDTH, this.y)
        .lineWidth(0.3)
        .strokeColor(RULE)
        .stroke();
    });
    this.y += 8;
  }

  /**
   * A bar chart of one or two series (the month, and the month before in grey), one group of bars
   * per category, with a value axis in reais.
   */
  bars(
    title: string,
    categories: string[],
    series: Array<{ name: string; values: Cents[]; color: string }>,
    options: { height?: number; labelEvery?: number } = {},
  ) {
    const height = options.height ?? 150;
    this.room(height + 50);
    const doc = this.doc;
    doc.font('Helvetica-Bold').fontSize(9).fillColor(INK).text(title, MARGIN, this.y, { width: WIDTH });
    this.y += 14;
    const axisWidth = 58;
    const left = MARGIN + axisWidth;
    const plotWidth = WIDTH - axisWidth;
    const top = this.y + 4;
    const bottom = top + height;
    const top0 = Math.max(0, ...series.flatMap((s) => s.values));
    // Nothing to draw: a bare axis from R$ 0 to R$ 1,00 and a word saying so, never a made-up scale.
    const max = top0 === 0 ? 100 : niceCeiling(top0);
    doc.font('Helvetica').fontSize(7).fillColor(MUTED);
    for (let i = 0; i <= 4; i++) {
      const y = bottom - (height * i) / 4;
      doc
        .moveTo(left, y)
        .lineTo(left + plotWidth, y)
        .lineWidth(0.3)
        .strokeColor(RULE)
        .stroke();
      doc.text(axisBrl((max * i) / 4), MARGIN, y - 3, {
        width: axisWidth - 6,
        align: 'right',
        lineBreak: false,
      });
    }
    const group = plotWidth / Math.max(1, categories.length);
    const barWidth = Math.max(1, (group * 0.7) / series.length);
    categories.forEach((category, i) => {
      const x0 = left + i * group + group * 0.15;
      series.forEach((s, k) => {
        const value = s.values[i] ?? 0;
        const h = (height * value) / max;
        if (h > 0) doc.rect(x0 + k * barWidth, bottom - h, barWidth * 0.92, h).fill(s.color);
      });
      if (i % (options.labelEvery ?? 1) === 0)
        doc
          .font('Helvetica')
          .fontSize(7)
          .fillColor(MUTED)
          .text(category, left + i * group - 10, bottom + 3, {
            width: group + 20,
            align: 'center',
            lineBreak: false,
          });
    });
    doc
      .moveTo(left, bottom)
      .lineTo(left + plotWidth, bottom)
      .lineWidth(0.6)
      .strokeColor(MUTED)
      .stroke();
    if (top0 === 0)
      doc
        .font('Helvetica')
        .fontSize(9)
        .fillColor(MUTED)
        .text(`Nenhum valor no período (${NO_DATA}).`, left, top + height / 2 - 5, {
          width: plotWidth,
          align: 'center',
        });
    let x = left;
    const legendY = bottom + 15;
    for (const s of series) {
      doc.rect(x, legendY, 8, 8).fill(s.color);
      doc
        .font('Helvetica')
        .fontSize(7.5)
        .fillColor(INK)
        .text(s.name, x + 11, legendY + 1, { lineBreak: false });
      x += 14 + doc.widthOfString(s.name) + 16;
    }
    this.y = legendY + 18;
  }
}

function header(w: Writer) {
  const { doc, report } = w;
  const h = report.header;
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(h.organization, MARGIN, w.y, { width: WIDTH });
  w.y += 13;
  doc.font('Helvetica-Bold').fontSize(18).fillColor(INK).text('Relatório mensal de cobrança', MARGIN, w.y);
  w.y += 24;
  doc.font('Helvetica-Bold').fontSize(12).text(h.creditor.legalName, MARGIN, w.y, { width: WIDTH });
  w.y += 16;
  doc
    .font('Helvetica')
    .fontSize(9.5)
    .fillColor(INK)
    .text(
      `CNPJ ${formatDocument(h.creditor.cnpj)}${h.creditor.tradeName ? ` · ${h.creditor.tradeName}` : ''}`,
      MARGIN,
      w.y,
    );
  w.y += 13;
  doc.text(`Mês de referência: ${h.monthLabel} (${brDate(h.from)} a ${brDate(h.to)})`, MARGIN, w.y);
  w.y += 13;
  doc
    .fillColor(MUTED)
    .text(
      `Gerado em ${brDateTime(h.generatedAt, h.timeZone)} · ${h.status === 'closed' ? 'Período fechado' : 'Período em andamento'}`,
      MARGIN,
      w.y,
    );
  w.y += 18;
  if (h.banner) {
    doc.rect(MARGIN, w.y, WIDTH, 34).fill(BANNER_FILL);
    doc.rect(MARGIN, w.y, 4, 34).fill('#f08c00');
    doc
      .font('Helvetica-Bold')
      .fontSize(10.5)
      .fillColor(BANNER_INK)
      .text(h.banner, MARGIN + 14, w.y + 6, { width: WIDTH - 20 });
    doc
      .font('Helvetica')
      .fontSize(8)
      .text('Os números deste mês ainda podem mudar até o seu fechamento.', MARGIN + 14, w.y + 21, {
        width: WIDTH - 20,
      });
    w.y += 44;
  }
}

function summary(w: Writer) {
  const r = w.report;
  const cards: Array<[string, string, string]> = [
    [
      'Carteira em aberto',
      brl(r.portfolio.totalCents),
      `${integer(r.portfolio.count)} títulos em ${brDate(r.portfolio.asOf)}`,
    ],
    [
      'Recebido no mês',
      brl(r.recovery.collectedCents),
      `mês anterior: ${brl(r.recovery.previousCollectedCents)}`,
    ],
    ['Taxa de recuperação', percent(r.recovery.rate), `mês anterior: ${percent(r.recovery.previousRate)}`],
    ['Acordos firmados', integer(r.agreements.made), brl(r.agreements.madeCents)],
  ];
  const gap = 8;
  const width = (WIDTH - gap * (cards.length - 1)) / cards.length;
  cards.forEach(([title, value, sub], i) => {
    const x = MARGIN + i * (width + gap);
    w.doc.roundedRect(x, w.y, width, 58, 4).lineWidth(0.6).strokeColor(RULE).stroke();
    w.doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text(title, x + 8, w.y + 7, { width: width - 16 });
    w.doc
      .font('Helvetica-Bold')
      .fontSize(12)
      .fillColor(INK)
      .text(value, x + 8, w.y + 20, {
        width: width - 16,
        lineBreak: false,
        ellipsis: true,
      });
    w.doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor(MUTED)
      .text(sub, x + 8, w.y + 40, {
        width: width - 16,
        lineBreak: false,
        ellipsis: true,
      });
  });
  w.y += 68;
}

function portfolio(w: Writer) {
  const p = w.report.portfolio;
  w.section('1. Carteira no fim do mês');
  w.paragraph(
    `Saldo em aberto em ${brDate(p.asOf)}: ${brl(p.totalCents)} em ${integer(p.count)} títulos, dos quais ${brl(p.overdueCents)} vencidos (inadimplência ${percent(p.defaultRate)}). Em ${brDate(p.previousAsOf)}: ${brl(p.previous.totalCents)} em ${integer(p.previous.count)} títulos (inadimplência ${percent(p.previous.defaultRate)}).`,
  );
  w.table(
    [
      { title: 'Faixa de atraso', width: 120 },
      { title: 'Saldo', width: 90, align: 'right' },
      { title: 'Títulos', width: 55, align: 'right' },
      { title: '% da carteira', width: 70, align: 'right' },
      { title: 'Saldo mês anterior', width: 95, align: 'right' },
      { title: 'Títulos', width: WIDTH - 430, align: 'right' },
    ],
    [
      ...p.buckets.map((b) => [
        label(BUCKET_LABELS, b.bucket),
        brl(b.cents),
        integer(b.count),
        percent(b.share),
        brl(b.previousCents),
        integer(b.previousCount),
      ]),
      [
        'Total',
        brl(p.totalCents),
        integer(p.count),
        '',
        brl(p.previous.totalCents),
        integer(p.previous.count),
      ],
    ],
    { boldLast: true },
  );
  w.bars(
    'Aging da carteira: saldo por faixa de atraso',
    p.buckets.map((b) => label(BUCKET_LABELS, b.bucket)),
    [
      {
        name: `Fim de ${monthLabel(w.report.header.month)}`,
        values: p.buckets.map((b) => b.cents),
        color: ACCENT,
      },
      {
        name: `Fim de ${monthLabel(w.report.header.previousMonth)}`,
        values: p.buckets.map((b) => b.previousCents),
        color: PREVIOUS,
      },
    ],
  );
}

function recovery(w: Writer) {
  const r = w.report.recovery;
  w.section('2. Valores recuperados');
  w.paragraph(
    `Recebido no mês sobre os títulos do credor: ${brl(r.collectedCents)} (mês anterior: ${brl(r.previousCollectedCents)}). Sobre dívida já vencida no início do mês (${brl(r.overdueAtStartCents)}): ${brl(r.recoveredCents)}, taxa de recuperação ${percent(r.rate)} (mês anterior: ${percent(r.previousRate)}). Pagamentos recebidos dos devedores: ${integer(r.payments)}, ${brl(r.receivedCents)} com encargos.`,
  );
  const daysOfMonth = r.byDay.map((d) => d.day.slice(8));
  w.bars(
    'Recebido por dia',
    daysOfMonth,
    [{ name: 'Recebido no dia', values: r.byDay.map((d) => d.cents), color: ACCENT }],
    {
      height: 120,
      labelEvery: 2,
    },
  );
  w.subtitle('Por semana');
  w.table(
    [
      { title: 'Semana', width: 200 },
      { title: 'Recebido', width: WIDTH - 200, align: 'right' },
    ],
    r.byWeek.map((x) => [`${brDate(x.from)} a ${brDate(x.to)}`, brl(x.cents)]),
  );
  w.subtitle('Por origem do pagamento');
  if (r.bySource.length === 0) w.paragraph(`Nenhum pagamento no mês (${NO_DATA}).`, { color: MUTED });
  else
    w.table(
      [
        { title: 'Origem', width: 240 },
        { title: 'Pagamentos', width: 100, align: 'right' },
        { title: 'Recebido', width: WIDTH - 340, align: 'right' },
      ],
      r.bySource.map((s) => [label(SOURCE_LABELS, s.source), integer(s.payments), brl(s.cents)]),
    );
  w.subtitle('Por faixa de atraso no dia do pagamento');
  w.table(
    [
      { title: 'Faixa de atraso', width: 240 },
      { title: 'Recebido', width: WIDTH - 240, align: 'right' },
    ],
    r.byBucket.map((b) => [label(BUCKET_LABELS, b.bucket), brl(b.cents)]),
  );
}

function kpis(w: Writer) {
  const k = w.report.kpis;
  const h = w.report.header;
  w.section('3. Indicadores do mês');
  w.table(
    [
      { title: 'Indicador', width: 240 },
      { title: monthLabel(h.month), width: 120, align: 'right' },
      { title: monthLabel(h.previousMonth), width: WIDTH - 360, align: 'right' },
    ],
    k.rows.map((row) => [row.label, formatKpi(row.unit, row.value), formatKpi(row.unit, row.previous)]),
  );
  w.subtitle('Contato e resposta por canal');
  if (k.channels.length === 0)
    w.paragraph(`Nenhum contato neste mês nem no anterior (${NO_DATA}).`, { color: MUTED });
  else
    w.table(
      [
        { title: 'Canal', width: 90 },
        { title: 'Tentativas', width: 60, align: 'right' },
        { title: 'Entregues', width: 60, align: 'right' },
        { title: 'Respostas', width: 60, align: 'right' },
        { title: 'Contato', width: 60, align: 'right' },
        { title: 'Resposta', width: 60, align: 'right' },
        { title: 'Contato ant.', width: WIDTH - 390, align: 'right' },
      ],
      k.channels.map((c) => [
        label(CHANNEL_LABELS, c.channel),
        integer(c.attempted),
        integer(c.delivered),
        integer(c.replied),
        percent(c.contactRate),
        percent(c.responseRate),
        percent(c.previousContactRate),
      ]),
    );
}

function actions(w: Writer) {
  const a = w.report.actions;
  w.section('4. Ações realizadas');
  w.paragraph(
    `Cartas enviadas: ${integer(a.letters)} (${integer(a.priorNotices)} notificações prévias) · Negativações: ${integer(a.negativacoes)} · Protestos: ${integer(a.protests)} · Ligações feitas: ${integer(a.calls.done)} (${integer(a.calls.open)} abertas no mês ainda por fazer) · Promessas de pagamento registradas: ${integer(a.promisesMade)} (${brl(a.promisedCents)}).`,
  );
  w.subtitle('Mensagens por canal');
  if (a.byChannel.length === 0) w.paragraph(`Nenhuma mensagem no mês (${NO_DATA}).`, { color: MUTED });
  else
    w.table(
      [
        { title: 'Canal', width: 110 },
        { title: 'Total', width: 60, align: 'right' },
        { title: 'Enviadas', width: 65, align: 'right' },
        { title: 'Entregues', width: 65, align: 'right' },
        { title: 'Falharam', width: 65, align: 'right' },
        { title: 'Não enviadas', width: 70, align: 'right' },
        { title: 'Custo', width: WIDTH - 435, align: 'right' },
      ],
      a.byChannel.map((c) => [
        label(CHANNEL_LABELS, c.channel),
        integer(c.total),
        integer(c.attempted),
        integer(c.delivered),
        integer(c.failed),
        integer(c.notSent),
        brl(c.costCents),
      ]),
    );
  if (a.messages.length > 0) {
    w.subtitle('Mensagens por situação');
    w.table(
      [
        { title: 'Canal', width: 130 },
        { title: 'Finalidade', width: 150 },
        { title: 'Situação', width: 120 },
        { title: 'Quantidade', width: WIDTH - 400, align: 'right' },
      ],
      a.messages.map((m) => [
        label(CHANNEL_LABELS, m.channel),
        label(PURPOSE_LABELS, m.purpose),
        label(MESSAGE_STATUS_LABELS, m.status),
        integer(m.count),
      ]),
    );
  }
  if (a.calls.byOutcome.length > 0) {
    w.subtitle('Ligações por resultado');
    w.table(
      [
        { title: 'Resultado', width: 240 },
        { title: 'Ligações', width: WIDTH - 240, align: 'right' },
      ],
      a.calls.byOutcome.map((c) => [label(CALL_OUTCOME_LABELS, c.outcome), integer(c.count)]),
    );
  }
  if (a.steps.length > 0) {
    w.subtitle('Contatos por passo da régua');
    w.table(
      [
        { title: 'Régua', width: 110 },
        { title: 'Passo', width: 130 },
        { title: 'Variante', width: 50 },
        { title: 'Canal', width: 65 },
        { title: 'Contatos', width: 55, align: 'right' },
        { title: 'Conversão', width: WIDTH - 410, align: 'right' },
      ],
      a.steps.map((s) => [
        `${s.cadenceName} v${s.version}`,
        s.stepKey,
        s.variantKey,
        label(CHANNEL_LABELS, s.channel),
        integer(s.contacts),
        percent(s.rate),
      ]),
    );
  }
}

function agreements(w: Writer) {
  const a = w.report.agreements;
  w.section('5. Acordos');
  w.paragraph(
    `Firmados no mês: ${integer(a.made)} (${brl(a.madeCents)}), dos quais ${integer(a.madeAndBroken)} quebrados até ${brDate(w.report.header.dataUntil)} (${percent(a.brokenRate)}). Encerrados no mês: ${integer(a.completed)} quitados (${brl(a.completedCents)}), ${integer(a.broken)} quebrados (${brl(a.brokenCents)}), ${integer(a.cancelled)} cancelados.`,
  );
  if (a.list.length === 0) {
    w.paragraph(`Nenhum acordo firmado ou encerrado no mês (${NO_DATA}).`, { color: MUTED });
    return;
  }
  w.table(
    [
      { title: 'Nº', width: 35 },
      { title: 'Devedor', width: 125 },
      { title: 'Firmado em', width: 58 },
      { title: 'Parcelas', width: 42, align: 'right' },
      { title: 'Valor', width: 70, align: 'right' },
      { title: 'Desconto', width: 60, align: 'right' },
      { title: 'Situação', width: WIDTH - 390 },
    ],
    a.list.map((x) => [
      String(x.id),
      x.debtorName,
      brDate(x.madeOn),
      integer(x.installments),
      brl(x.totalCents),
      brl(x.discountCents),
      `${label(AGREEMENT_STATUS_LABELS, x.status)}${x.endedOn ? ` em ${brDate(x.endedOn)}` : ''}`,
    ]),
  );
}

function notes(w: Writer) {
  const list = w.report.notes;
  if (list.length === 0) return;
  w.section('Observações');
  for (const note of list) w.paragraph(`• ${note}`, { size: 8.5 });
  w.paragraph(
    'Todos os valores vêm dos registros do sistema (títulos, alterações de saldo, pagamentos, mensagens, ligações e acordos). Fórmulas dos indicadores: docs/KPIS.md.',
    { size: 7.5, color: MUTED },
  );
}

/** Numbers every page and names the report at its foot. */
function footers(doc: Doc, report: MonthlyReport) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const text = `${report.header.creditor.legalName} · ${report.header.monthLabel} · página ${i + 1} de ${range.count}`;
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED);
    // Below the bottom margin: lift the margin for this line so pdfkit does not add a page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(text, MARGIN, PAGE_HEIGHT - MARGIN + 10, { width: WIDTH, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

/** The report as PDF bytes. */
export function monthlyReportPdf(report: MonthlyReport): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true });
  doc.info.Title = `Relatório mensal ${report.header.month} - ${report.header.creditor.legalName}`;
  doc.info.Author = report.header.organization;
  doc.info.Creator = 'Régua';
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = new Writer(doc, report);
  header(w);
  summary(w);
  portfolio(w);
  recovery(w);
  kpis(w);
  actions(w);
  agreements(w);
  notes(w);
  footers(doc, report);
  doc.end();
  return done;
}
