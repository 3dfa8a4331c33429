import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../test/support/pdf.ts';
import { brDate, brDateTime, brl, days, decimal, monthLabel, percent, percentValue } from './format.ts';
import { checkMonth, monthBounds, weeksOf } from './monthly.ts';
import { axisBrl, formatKpi, monthlyReportPdf, niceCeiling } from './pdf.ts';
import { emptyReport, sampleReport } from './sample.ts';
import { BRL_FORMAT, DATE_FORMAT, monthlyReportXlsx, PERCENT_FORMAT, SHEETS } from './xlsx.ts';

describe('pt-BR formatting of the report', () => {
  it.each([
    [brl(123_456), 'R$ 1.234,56'],
    [brl(-5), '-R$ 0,05'],
    [brl(null), 'sem dados'],
    [brDate('2026-02-28'), '28/02/2026'],
    [monthLabel('2026-03'), 'março de 2026'],
    [decimal(1234.5, 1), '1.234,5'],
    [percent(0.7531), '75,31%'],
    [percent(0), '0,00%'],
    [percent(null), 'sem dados'],
    [percentValue(66.85), '66,85%'],
    [days(110.5), '110,5 dias'],
    [days(1), '1,0 dia'],
    [days(null), 'sem dados'],
    [brDateTime('2026-04-15T15:00:00.000Z', 'America/Sao_Paulo'), '15/04/2026 12:00'],
    [formatKpi('cents', 189), 'R$ 1,89'],
    [formatKpi('count', 12345), '12.345'],
    [formatKpi('ratio', null), 'sem dados'],
    [axisBrl(150_000), 'R$ 1,5 mil'],
    [axisBrl(25), 'R$ 0,25'],
  ])('%s is %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('rounds a chart axis up to 1, 2 or 5 times a power of ten', () => {
    expect([
      niceCeiling(0),
      niceCeiling(7),
      niceCeiling(60_000),
      niceCeiling(130_000),
      niceCeiling(500),
    ]).toEqual([1, 10, 100_000, 200_000, 500]);
  });
});

describe('months and weeks', () => {
  it('bounds a month, and refuses a bad or a future month in pt-BR', () => {
    expect(monthBounds('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(checkMonth('2026-12', '2026-12-06')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(() => checkMonth('2027-01', '2026-12-06')).toThrow(/janeiro de 2027 ainda não começou/);
    expect(() => checkMonth('2026-1', '2026-12-06')).toThrow(/AAAA-MM/);
    expect(() => checkMonth('2026-00', '2026-12-06')).toThrow(/AAAA-MM/);
  });

  it('splits the days covered into weeks from the first, the last one shorter', () => {
    const byDay = [
      { day: '2026-02-07', cents: 100 },
      { day: '2026-02-08', cents: 50 },
      { day: '2026-02-28', cents: 1 },
    ];
    expect(weeksOf('2026-02-01', '2026-02-28', byDay).map((w) => [w.from, w.to, w.cents])).toEqual([
      ['2026-02-01', '2026-02-07', 100],
      ['2026-02-08', '2026-02-14', 50],
      ['2026-02-15', '2026-02-21', 0],
      ['2026-02-22', '2026-02-28', 1],
    ]);
    expect(weeksOf('2026-02-01', '2026-02-09', byDay).at(-1)).toEqual({
      from: '2026-02-08',
      to: '2026-02-09',
      cents: 50,
    });
  });
});

describe('the PDF', () => {
  it('is a PDF whose text carries the header, the figures in R$ and every section', async () => {
    const pdf = await monthlyReportPdf(sampleReport());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      'Relatório mensal de cobrança',
      'Alfa BPO',
      'Golden Assinaturas Ltda',
      'CNPJ 44.556.677/0001-86',
      'janeiro de 2026 (01/01/2026 a 31/01/2026)',
      'Gerado em 15/04/2026 12:00',
      'Período fechado',
      'R$ 7.550,00', // portfolio
      'R$ 1.350,00', // collected
      '10,43%', // recovery rate
      'Mais de 180 dias',
      'Informado pelo credor (importação)',
      '117,0 dias',
      'Devedor d1',
      '1. Carteira no fim do mês',
      '5. Acordos',
      'página 1 de',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('Período em andamento');
  });

  it('carries the partial-period banner while the month runs', async () => {
    const text = pdfText(await monthlyReportPdf(sampleReport({ partial: true })));
    expect(text).toContain('Período em andamento: números parciais até 20/01/2026');
  });

  it('writes "sem dados" for a month with nothing in it, and no number it does not have', async () => {
    const text = pdfText(await monthlyReportPdf(emptyReport()));
    expect(text).toContain('sem dados');
    expect(text).toContain('Nenhum valor no período (sem dados).');
    expect(text).toContain('Nenhum acordo firmado ou encerrado no mês (sem dados).');
    expect(text).not.toContain('NaN');
    expect(text).not.toContain('Infinity');
  });
});

describe('the XLSX', () => {
  const load = async (bytes: Buffer) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(bytes).buffer);
    return workbook;
  };

  it('has one sheet per section, numbers in reais with the R$ format, dates as dates, headers frozen', async () => {
    const workbook = await load(await monthlyReportXlsx(sampleReport()));
    expect(workbook.worksheets.map((s) => s.name)).toEqual([...SHEETS]);
    const carteira = workbook.getWorksheet('Carteira');
    expect(carteira?.getCell('A2').value).toBe('A vencer');
    expect(carteira?.getCell('B2').value).toBe(2000);
    expect(carteira?.getCell('B2').numFmt).toBe(BRL_FORMAT);
    expect(carteira?.getCell('D2').value).toBe(0.2649);
    expect(carteira?.getCell('D2').numFmt).toBe(PERCENT_FORMAT);
    expect(carteira?.getCell('A8').value).toBe('Total');
    expect(carteira?.getCell('B8').value).toBe(7550);
    const recovery = workbook.getWorksheet('Recuperação');
    expect(recovery?.getCell('A2').value).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(recovery?.getCell('A2').numFmt).toBe(DATE_FORMAT);
    expect(recovery?.getCell('B10').value).toBe(250); // 2026-01-09
    expect(recovery?.getCell('H2').value).toBe('Pix');
    expect(recovery?.getCell('J2').value).toBe(750);
    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getColumn(1).width).toBeGreaterThan(5);
    }
    const kpis = workbook.getWorksheet('Indicadores');
    expect(kpis?.getCell('B2').value).toBe(117);
    expect(kpis?.getCell('C5').value).toBe('sem dados'); // promises kept, December: nothing due
    const acordos = workbook.getWorksheet('Acordos');
    expect(acordos?.getCell('B2').value).toBe('Devedor d1');
    expect(acordos?.getCell('C2').value).toEqual(new Date(Date.UTC(2026, 0, 10)));
    expect(acordos?.getCell('H2').value).toBe(1000);
  });

  it('heads the Resumo with the partial banner while the month runs', async () => {
    const partial = await load(await monthlyReportXlsx(sampleReport({ partial: true })));
    const resumo = partial.getWorksheet('Resumo');
    expect(resumo?.getCell('A2').value).toBe('Período em andamento: números parciais até 20/01/2026');
    expect(resumo?.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const closed = await load(await monthlyReportXlsx(sampleReport()));
    expect(closed.getWorksheet('Resumo')?.getCell('A2').value).toBe('Operação (BPO)');
    // Generated at 15:00Z: 12:00 on São Paulo's wall clock.
    expect(closed.getWorksheet('Resumo')?.getCell('B10').value).toEqual(
      new Date(Date.UTC(2026, 3, 15, 12, 0)),
    );
  });

  it('writes an empty month as zeros and "sem dados", never a made-up ratio', async () => {
    const workbook = await load(await monthlyReportXlsx(emptyReport()));
    const carteira = workbook.getWorksheet('Carteira');
    expect(carteira?.getCell('B8').value).toBe(0);
    expect(carteira?.getCell('D2').value).toBe('sem dados');
    expect(carteira?.getCell('D8').value).toBe('sem dados');
    expect(workbook.getWorksheet('Acordos')?.getCell('B2').value).toContain('sem dados');
  });
});
