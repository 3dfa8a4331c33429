import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type CalendarDate } from '../shared/dates.ts';
import { cnpjFromBase, cpfFromBase } from '../shared/documents.ts';
import { bancoDoBrasilNossoNumero, MAX_BOLETO_CENTS } from './boleto.ts';
import layoutJson from './layouts/remessa-240.json' with { type: 'json' };
import {
  buildRemessa240,
  CNAB240_WIDTH,
  cnabText,
  mergeFields,
  parseRemessaLayouts,
  REMESSA_240_BANKS,
  REMESSA_240_PADRAO,
  type Remessa240Input,
  type Remessa240Result,
  type RemessaBankProfile,
  type RemessaCreditor,
  type RemessaField,
  type RemessaTitle,
  remessa240Profile,
  validateRemessa240,
} from './remessa.ts';

/** Characters at 1-based inclusive positions, as the manuals print them. */
function at(line: string | undefined, start: number, end: number): string {
  return (line ?? '').slice(start - 1, end);
}

function linesOf(result: Remessa240Result): string[] {
  if (!result.ok) throw new Error(`expected a file, got: ${result.problems.join('; ')}`);
  expect(result.text.endsWith('\r\n')).toBe(true);
  return result.text.slice(0, -2).split('\r\n');
}

function problemsOf(result: Remessa240Result): string[] {
  return result.refused.flatMap((r) => r.problems);
}

// 2026-02-20 13:05:09 in São Paulo.
const GENERATED_AT = new Date('2026-02-20T13:05:09-03:00');

const BB: RemessaCreditor = {
  bankCode: '001',
  document: '11.222.333/0001-81',
  name: 'Régua Cobranças Ltda',
  agency: '1234',
  agencyDigit: '3',
  account: '12345678',
  accountDigit: '9',
  convenio: '1234567',
  carteira: '17',
  carteiraVariation: '019',
  walletCode: '7',
};

const JOSE = {
  document: '529.982.247-25',
  name: 'José da Conceição Araújo',
  address: 'Rua São João, 123 - Apto 4º',
  district: 'Bela Vista',
  cep: '01310-100',
  city: 'São Paulo',
  uf: 'SP',
};

const PADARIA = {
  document: '12.ABC.345/01DE-35',
  name: 'Padaria Pão & Café Ltda-ME',
  address: 'Av. Brigadeiro Faria Lima, 1000',
  district: 'Jardim Paulistano',
  cep: '01452-000',
  city: 'São Paulo',
  uf: 'sp',
};

/** The golden file's input: an entrada with juros, desconto and multa, a baixa, an alteração de vencimento. */
function goldenInput(): Remessa240Input {
  return {
    nsa: 42,
    generatedAt: GENERATED_AT,
    creditor: BB,
    titles: [
      {
        movement: '01',
        nossoNumero: bancoDoBrasilNossoNumero('1234567', 1),
        seuNumero: 'REC-0001',
        dueDate: '2026-03-10',
        amountCents: 102656,
        issueDate: '2026-02-20',
        interest: { kind: 'monthlyRate', basisPoints: 100 },
        discount: { kind: 'amount', cents: 1000, until: '2026-03-05' },
        fine: { kind: 'percent', basisPoints: 200 },
        writeOff: { days: 30 },
        payer: JOSE,
      },
      {
        movement: '02',
        nossoNumero: bancoDoBrasilNossoNumero('1234567', 2),
        seuNumero: 'REC-0002',
        dueDate: '2026-03-15',
        amountCents: 50000,
        issueDate: '2026-02-20',
        payer: PADARIA,
      },
      {
        movement: '06',
        nossoNumero: bancoDoBrasilNossoNumero('1234567', 3),
        seuNumero: 'REC-0003',
        dueDate: '2026-04-01',
        amountCents: 7550,
        issueDate: '2026-01-15',
        interest: { kind: 'daily', cents: 3 },
        species: '04',
        payer: JOSE,
      },
    ],
  };
}

function entry(overrides: Partial<RemessaTitle> = {}): RemessaTitle {
  return {
    movement: '01',
    nossoNumero: bancoDoBrasilNossoNumero('1234567', 9),
    seuNumero: 'REC-0009',
    dueDate: '2026-03-10',
    amountCents: 10000,
    issueDate: '2026-02-20',
    payer: JOSE,
    ...overrides,
  };
}

function build(titles: RemessaTitle[], creditor: RemessaCreditor = BB): Remessa240Result {
  return buildRemessa240({ nsa: 7, generatedAt: GENERATED_AT, creditor, titles });
}

describe('layouts as data', () => {
  const profiles: RemessaBankProfile[] = [REMESSA_240_PADRAO, ...REMESSA_240_BANKS.values()];

  it.each(profiles.map((p) => [p.bankCode ?? 'padrão', p] as const))(
    'every record of %s covers positions 1 to 240 exactly once',
    (_, profile) => {
      for (const fields of Object.values(profile.records)) {
        let next = 1;
        for (const field of fields) {
          expect(field.start).toBe(next);
          next = field.end + 1;
        }
        expect(next).toBe(CNAB240_WIDTH + 1);
      }
    },
  );

  it('has profiles for Banco do Brasil, Bradesco and Itaú, and the padrão for any other bank', () => {
    expect([...REMESSA_240_BANKS.keys()].sort()).toEqual(['001', '237', '341']);
    expect(remessa240Profile('033')).toBe(REMESSA_240_PADRAO);
    expect(REMESSA_240_PADRAO.fileLayoutVersion).toBe('103');
    expect(REMESSA_240_PADRAO.lotLayoutVersion).toBe('060');
  });

  it('refuses an override that leaves a gap or overlaps', () => {
    const base: RemessaField[] = [
      { start: 1, end: 100, type: 'alpha' },
      { start: 101, end: 240, type: 'alpha' },
    ];
    expect(() => mergeFields(base, [{ start: 1, end: 50, type: 'num' }], 'x')).toThrow(/not covered/);
    expect(mergeFields(base, [{ start: 1, end: 100, type: 'num' }], 'x')).toHaveLength(2);
    const broken = structuredClone(layoutJson) as unknown as {
      banks: Record<string, { overrides: Record<string, unknown[]> }>;
    };
    const bb = broken.banks['001'];
    if (!bb) throw new Error('no BB profile');
    bb.overrides.segmentP = [[38, 50, 'id', 'title.nossoNumero']];
    expect(() => parseRemessaLayouts(broken)).toThrow(/001\.segmentP/);
    bb.overrides.segmentP = [[38, 57, 'id', 'title.nothing']];
    expect(() => parseRemessaLayouts(broken)).toThrow(/unknown source/);
  });
});

describe('text fields', () => {
  it('strips accents and cedilla, upper-cases, keeps plain ASCII', () => {
    expect(cnabText('José da Conceição Araújo')).toBe('JOSE DA CONCEICAO ARAUJO');
    expect(cnabText('ÁÀÂÃÄ éêë íï óôõö úü ç ñ')).toBe('AAAAA EEE II OOOO UU C N');
    expect(cnabText('Apto 4º, sala 2ª')).toBe('APTO 4O, SALA 2A');
    expect(cnabText('Rua  —  “Nova”\tVila 🏠')).toBe('RUA NOVA VILA');
  });

  it('writes no accent and no byte above 0x7E into the file', () => {
    const result = buildRemessa240(goldenInput());
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.bytes.every((b) => b === 0x0d || b === 0x0a || (b >= 0x20 && b <= 0x7e))).toBe(true);
    const lines = linesOf(result);
    expect(at(lines[3], 34, 73)).toBe('JOSE DA CONCEICAO ARAUJO'.padEnd(40));
    expect(at(lines[3], 74, 113)).toBe('RUA SAO JOAO, 123 - APTO 4O'.padEnd(40));
    expect(at(lines[3], 137, 151)).toBe('SAO PAULO      ');
  });
});

describe('golden file: Banco do Brasil, convênio 7, carteira 17-019', () => {
  const fixture = readFileSync(new URL('./fixtures/remessa-bb-240.rem', import.meta.url));

  it('is reproduced byte for byte', () => {
    const result = buildRemessa240(goldenInput());
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(Buffer.from(result.bytes).equals(fixture)).toBe(true);
    expect(result.totals).toEqual({ lines: 11, titles: 3, totalCents: 102656 + 50000 + 7550 });
  });

  const lines = fixture.toString('latin1').split('\r\n').slice(0, -1);

  it('has 240 characters per line, CRLF ends and the records in order 0 1 3... 5 9', () => {
    expect(fixture.subarray(-2).toString('latin1')).toBe('\r\n');
    expect(lines.map((l) => l.length)).toEqual(Array(11).fill(240));
    expect(lines.map((l) => at(l, 8, 8) + (at(l, 8, 8) === '3' ? at(l, 14, 14) : ''))).toEqual([
      '0',
      '1',
      '3P',
      '3Q',
      '3R',
      '3P',
      '3Q',
      '3P',
      '3Q',
      '5',
      '9',
    ]);
  });

  it('header de arquivo (FEBRABAN §2.2 with the BB convênio block)', () => {
    const h = lines[0];
    expect(at(h, 1, 3)).toBe('001');
    expect(at(h, 4, 7)).toBe('0000');
    expect(at(h, 8, 8)).toBe('0');
    expect(at(h, 9, 17)).toBe(' '.repeat(9));
    expect(at(h, 18, 18)).toBe('2');
    expect(at(h, 19, 32)).toBe('11222333000181');
    expect(at(h, 33, 41)).toBe('001234567');
    expect(at(h, 42, 45)).toBe('0014');
    expect(at(h, 46, 47)).toBe('17');
    expect(at(h, 48, 50)).toBe('019');
    expect(at(h, 51, 52)).toBe('  ');
    expect(at(h, 53, 57)).toBe('01234');
    expect(at(h, 58, 58)).toBe('3');
    expect(at(h, 59, 70)).toBe('000012345678');
    expect(at(h, 71, 71)).toBe('9');
    expect(at(h, 72, 72)).toBe(' ');
    expect(at(h, 73, 102)).toBe('REGUA COBRANCAS LTDA'.padEnd(30));
    expect(at(h, 103, 132)).toBe('BANCO DO BRASIL S.A.'.padEnd(30));
    expect(at(h, 143, 143)).toBe('1');
    expect(at(h, 144, 151)).toBe('20022026');
    expect(at(h, 152, 157)).toBe('130509');
    expect(at(h, 158, 163)).toBe('000042');
    expect(at(h, 164, 166)).toBe('084');
    expect(at(h, 167, 171)).toBe('00000');
    expect(at(h, 172, 240).trim()).toBe('');
  });

  it('header de lote (§3.2.2: operação R, serviço 01)', () => {
    const l = lines[1];
    expect(at(l, 1, 8)).toBe('00100011');
    expect(at(l, 9, 9)).toBe('R');
    expect(at(l, 10, 11)).toBe('01');
    expect(at(l, 12, 13)).toBe('  ');
    expect(at(l, 14, 16)).toBe('043');
    expect(at(l, 18, 18)).toBe('2');
    expect(at(l, 19, 33)).toBe('011222333000181');
    expect(at(l, 34, 42)).toBe('001234567');
    expect(at(l, 43, 46)).toBe('0014');
    expect(at(l, 47, 48)).toBe('17');
    expect(at(l, 49, 51)).toBe('019');
    expect(at(l, 54, 58)).toBe('01234');
    expect(at(l, 59, 59)).toBe('3');
    expect(at(l, 60, 71)).toBe('000012345678');
    expect(at(l, 72, 72)).toBe('9');
    expect(at(l, 74, 103)).toBe('REGUA COBRANCAS LTDA'.padEnd(30));
    expect(at(l, 104, 183).trim()).toBe('');
    expect(at(l, 184, 191)).toBe('00000042');
    expect(at(l, 192, 199)).toBe('20022026');
    expect(at(l, 200, 207)).toBe('00000000');
  });

  it('segment P of the entrada: título, juros, desconto, baixa, moeda', () => {
    const p = lines[2];
    expect(at(p, 1, 13)).toBe('0010001300001');
    expect(at(p, 14, 17)).toBe('P 01');
    expect(at(p, 18, 37)).toBe('0123430000123456789 ');
    expect(at(p, 38, 57)).toBe('12345670000000001   ');
    expect(at(p, 58, 62)).toBe('71122');
    expect(at(p, 63, 77)).toBe('REC-0001       ');
    expect(at(p, 78, 85)).toBe('10032026');
    expect(at(p, 86, 100)).toBe('000000000102656');
    expect(at(p, 101, 106)).toBe('00000 ');
    expect(at(p, 107, 108)).toBe('02');
    expect(at(p, 109, 109)).toBe('N');
    expect(at(p, 110, 117)).toBe('20022026');
    expect(at(p, 118, 118)).toBe('2');
    expect(at(p, 119, 126)).toBe('11032026');
    expect(at(p, 127, 141)).toBe('000000000000100');
    expect(at(p, 142, 142)).toBe('1');
    expect(at(p, 143, 150)).toBe('05032026');
    expect(at(p, 151, 165)).toBe('000000000001000');
    expect(at(p, 166, 195)).toBe('0'.repeat(30));
    expect(at(p, 196, 220)).toBe('REC-0001'.padEnd(25));
    expect(at(p, 221, 223)).toBe('300');
    expect(at(p, 224, 224)).toBe('0');
    expect(at(p, 225, 227)).toBe('030');
    expect(at(p, 228, 229)).toBe('09');
    expect(at(p, 230, 239)).toBe('0'.repeat(10));
    expect(at(p, 240, 240)).toBe(' ');
  });

  it('segment Q: pagador, sacador/avalista blank', () => {
    const q = lines[3];
    expect(at(q, 1, 17)).toBe('0010001300002Q 01');
    expect(at(q, 18, 18)).toBe('1');
    expect(at(q, 19, 33)).toBe('000052998224725');
    expect(at(q, 114, 128)).toBe('BELA VISTA     ');
    expect(at(q, 129, 133)).toBe('01310');
    expect(at(q, 134, 136)).toBe('100');
    expect(at(q, 152, 153)).toBe('SP');
    expect(at(q, 154, 169)).toBe('0'.repeat(16));
    expect(at(q, 170, 209)).toBe(' '.repeat(40));
    expect(at(q, 210, 212)).toBe('000');
    expect(at(q, 213, 240)).toBe(' '.repeat(28));
  });

  it('segment R: multa percentual from the day after the due date', () => {
    const r = lines[4];
    expect(at(r, 1, 17)).toBe('0010001300003R 01');
    expect(at(r, 18, 65)).toBe('0'.repeat(48));
    expect(at(r, 66, 66)).toBe('2');
    expect(at(r, 67, 74)).toBe('11032026');
    expect(at(r, 75, 89)).toBe('000000000000200');
    expect(at(r, 90, 199).trim()).toBe('');
    expect(at(r, 200, 231)).toBe('0'.repeat(32));
    expect(at(r, 232, 240)).toBe(' '.repeat(9));
  });

  it('a baixa (movimento 02) is P + Q with the code on both and no R', () => {
    const [p, q, next] = [lines[5], lines[6], lines[7]];
    expect(at(p, 9, 17)).toBe('00004P 02');
    expect(at(p, 38, 57)).toBe('12345670000000002   ');
    expect(at(p, 63, 77)).toBe('REC-0002       ');
    expect(at(p, 86, 100)).toBe('000000000050000');
    expect(at(p, 118, 118)).toBe('3');
    expect(at(p, 119, 141)).toBe('0'.repeat(23));
    expect(at(p, 142, 165)).toBe('0'.repeat(24));
    expect(at(p, 221, 227)).toBe('3000000');
    expect(at(q, 9, 17)).toBe('00005Q 02');
    expect(at(q, 18, 33)).toBe('2012ABC34501DE35');
    expect(at(q, 34, 73)).toBe('PADARIA PAO & CAFE LTDA-ME'.padEnd(40));
    expect(at(q, 114, 128)).toBe('JARDIM PAULISTA');
    expect(at(q, 152, 153)).toBe('SP');
    expect(at(next, 9, 14)).toBe('00006P');
  });

  it('an alteração de vencimento (06) carries the new due date and juros por dia', () => {
    const p = lines[7];
    expect(at(p, 9, 17)).toBe('00006P 06');
    expect(at(p, 78, 85)).toBe('01042026');
    expect(at(p, 107, 108)).toBe('04');
    expect(at(p, 110, 117)).toBe('15012026');
    expect(at(p, 118, 141)).toBe(`1${'02042026'}${'000000000000003'}`);
    expect(at(lines[8], 9, 17)).toBe('00007Q 06');
  });

  it('trailers: 9 lot records (header + 7 details + trailer), BB totals zero, 11 file records', () => {
    const t5 = lines[9];
    expect(at(t5, 1, 8)).toBe('00100015');
    expect(at(t5, 18, 23)).toBe('000009');
    expect(at(t5, 24, 115)).toBe('0'.repeat(92));
    expect(at(t5, 116, 240).trim()).toBe('');
    const t9 = lines[10];
    expect(at(t9, 1, 8)).toBe('00199999');
    expect(at(t9, 18, 23)).toBe('000001');
    expect(at(t9, 24, 29)).toBe('000011');
    expect(at(t9, 30, 35)).toBe('000000');
  });
});

describe('other banks', () => {
  const bradesco: RemessaCreditor = {
    bankCode: '237',
    document: '11.222.333/0001-81',
    name: 'Régua Cobranças Ltda',
    agency: '1234',
    agencyDigit: '5',
    account: '1234567',
    accountDigit: '0',
    convenio: '4567891',
    carteira: '09',
  };
  const itau: RemessaCreditor = {
    bankCode: '341',
    document: '11.222.333/0001-81',
    name: 'Régua Cobranças Ltda',
    agency: '0057',
    account: '12345',
    accountDigit: '7',
    carteira: '109',
  };
  const santander: RemessaCreditor = {
    bankCode: '033',
    bankName: 'Banco Santander',
    document: '529.982.247-25',
    name: 'Maria Credora',
    agency: '4321',
    agencyDigit: '0',
    account: '13000123',
    accountDigit: '4',
    convenio: 'ABC123',
  };

  it('Bradesco: convênio zero-filled in 33-52, carteira 38-40, zeros 41-45, nosso número + DV 46-57, totals filled', () => {
    const lines = linesOf(build([entry({ nossoNumero: '00000000001P', amountCents: 12345 })], bradesco));
    expect(at(lines[0], 33, 52)).toBe('00000000000004567891');
    expect(at(lines[0], 164, 166)).toBe('084');
    expect(at(lines[1], 14, 16)).toBe('042');
    expect(at(lines[1], 34, 53)).toBe('00000000000004567891');
    expect(at(lines[2], 18, 37)).toBe('0123450000012345670 ');
    expect(at(lines[2], 38, 57)).toBe('0090000000000000001P');
    expect(at(lines[2], 58, 62)).toBe('11122');
    const trailer = lines.at(-2);
    expect(at(trailer, 18, 23)).toBe('000004');
    expect(at(trailer, 24, 29)).toBe('000001');
    expect(at(trailer, 30, 46)).toBe('00000000000012345');
  });

  it('Itaú: agência/conta/DAC in its own places, carteira + nosso número, seu número of 10, no convênio', () => {
    const lines = linesOf(build([entry({ nossoNumero: '123456785', seuNumero: 'R-1' })], itau));
    expect(at(lines[0], 33, 72)).toBe(`${' '.repeat(20)}00057 000000012345 7`);
    expect(at(lines[0], 164, 171)).toBe('04000000');
    expect(at(lines[0], 226, 228)).toBe('000');
    expect(at(lines[1], 14, 16)).toBe('030');
    expect(at(lines[1], 34, 73)).toBe(`${' '.repeat(20)}00057 000000012345 7`);
    const p = lines[2];
    expect(at(p, 18, 37)).toBe('00057 000000012345 7');
    expect(at(p, 38, 57)).toBe('109123456785        ');
    expect(at(p, 58, 77)).toBe('00000R-1            ');
    expect(at(p, 118, 118)).toBe('0');
    expect(at(p, 142, 142)).toBe('0');
    expect(at(p, 224, 240)).toBe(`200${'0'.repeat(13)} `);
    expect(at(lines[3], 34, 73)).toBe('JOSE DA CONCEICAO ARAUJO'.padEnd(40));
  });

  it('Itaú refuses what its layout cannot carry', () => {
    const result = build(
      [
        entry({
          nossoNumero: '123456785',
          seuNumero: 'SEU-NUMERO-LONGO',
          interest: { kind: 'monthlyRate', basisPoints: 100 },
          discount: { kind: 'percent', basisPoints: 500, until: '2026-03-01' },
        }),
      ],
      itau,
    );
    expect(result.ok).toBe(false);
    expect(problemsOf(result)).toEqual([
      'título SEU-NUMERO-LONGO: seu número: até 10 caracteres no Itaú',
      'título SEU-NUMERO-LONGO: juros "monthlyRate" não aceitos por este banco (aceita: daily)',
      'título SEU-NUMERO-LONGO: desconto "percent" não aceito por este banco (aceita: amount)',
    ]);
  });

  it('a bank without a profile gets the FEBRABAN padrão (103/060) and needs a bank name', () => {
    const lines = linesOf(build([entry({ nossoNumero: '0000000123' })], santander));
    expect(at(lines[0], 1, 3)).toBe('033');
    expect(at(lines[0], 18, 32)).toBe('100052998224725');
    expect(at(lines[0], 33, 52)).toBe('ABC123'.padEnd(20));
    expect(at(lines[0], 103, 132)).toBe('BANCO SANTANDER'.padEnd(30));
    expect(at(lines[0], 164, 171)).toBe('10301600');
    expect(at(lines[1], 14, 16)).toBe('060');
    expect(at(lines[2], 38, 57)).toBe('0000000123'.padEnd(20));
    const result = build([entry({ nossoNumero: '0000000123' })], { ...santander, bankName: undefined });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([
        'beneficiário: nome do banco obrigatório para banco sem perfil próprio',
      ]);
  });
});

describe('refusing bad input, naming the título and the field', () => {
  it('refuses a title with a bad CEP and sends the others', () => {
    const result = build([
      entry(),
      entry({
        seuNumero: '123',
        nossoNumero: bancoDoBrasilNossoNumero('1234567', 10),
        payer: { ...JOSE, cep: '0131-010' },
      }),
    ]);
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.refused).toEqual([
      { index: 1, seuNumero: '123', problems: ['título 123: CEP do pagador inválido'] },
    ]);
    expect(result.accepted.map((t) => t.seuNumero)).toEqual(['REC-0009']);
    const lines = linesOf(result);
    expect(lines).toHaveLength(6);
    expect(lines.some((l) => at(l, 63, 77).trim() === '123')).toBe(false);
  });

  it('lists every problem of a title, each with its seu número', () => {
    const result = build([
      entry({
        seuNumero: 'REC-7',
        nossoNumero: '99999990000000001',
        dueDate: '2026-02-19',
        amountCents: 0,
        species: '77',
        fine: { kind: 'percent', basisPoints: 1000 },
        protest: { days: 10 },
        writeOff: { days: 5 },
        payer: {
          document: '123.456.789-00',
          name: ' ',
          address: '',
          cep: '01310100',
          city: 'São Paulo',
          uf: 'XX',
        },
      }),
    ]);
    expect(result.ok).toBe(false);
    expect(problemsOf(result)).toEqual([
      'título REC-7: nosso número "99999990000000001" não começa com o convênio 1234567',
      'título REC-7: data de emissão posterior ao vencimento',
      'título REC-7: vencimento 19/02/2026 anterior à data do arquivo 20/02/2026',
      'título REC-7: valor deve ser um número inteiro de centavos maior que zero',
      'título REC-7: espécie "77" não está na tabela C015',
      'título REC-7: multa de 10,00% acima do limite de 2,00%',
      'título REC-7: prazo de baixa menor que o de protesto (37.3P/39.3P não podem conflitar)',
      'título REC-7: CPF/CNPJ do pagador inválido (CPF check digits do not match)',
      'título REC-7: nome do pagador obrigatório',
      'título REC-7: endereço do pagador obrigatório',
      'título REC-7: UF do pagador inválida',
    ]);
    if (!result.ok) expect(result.problems).toEqual(['arquivo: nenhum título válido para enviar']);
  });

  it('never truncates an identifier: a seu número longer than 15 is refused', () => {
    const result = build([entry({ seuNumero: 'A'.repeat(16) })]);
    expect(problemsOf(result)).toEqual([
      `título ${'A'.repeat(16)}: seu número tem 16 caracteres, cabem 15 (63-77)`,
    ]);
  });

  it('refuses lower case or accents in the seu número rather than changing it', () => {
    expect(problemsOf(build([entry({ seuNumero: 'rec-9' })]))).toEqual([
      'título rec-9: seu número só pode ter letras maiúsculas sem acento, dígitos, ".", "-" e "/"',
    ]);
  });

  it('refuses every title that shares a nosso número or a seu número with another', () => {
    const result = build([
      entry(),
      entry({ seuNumero: 'REC-0010' }),
      entry({ nossoNumero: bancoDoBrasilNossoNumero('1234567', 11), seuNumero: 'REC-0011' }),
    ]);
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.accepted.map((t) => t.seuNumero)).toEqual(['REC-0011']);
    expect(problemsOf(result)).toEqual([
      'título REC-0009: nosso número repetido no arquivo (também em título REC-0010)',
      'título REC-0010: nosso número repetido no arquivo (também em título REC-0009)',
    ]);
  });

  it('refuses the whole file when the beneficiário or the NSA is wrong, writing nothing', () => {
    const result = buildRemessa240({
      nsa: 0,
      generatedAt: GENERATED_AT,
      creditor: { ...BB, document: '11.222.333/0001-00', convenio: '123', carteiraVariation: undefined },
      titles: [entry()],
    });
    expect(result.ok).toBe(false);
    expect('text' in result).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        'arquivo: NSA (número sequencial do arquivo) deve ser de 1 a 999999',
        'beneficiário: CPF/CNPJ inválido (CNPJ check digits do not match)',
        'beneficiário: convênio "123" não confere com o banco 001: 7 dígitos (convênio de 7 posições)',
        'beneficiário: variação da carteira "" não confere com o banco 001: 3 dígitos, ex. 019',
      ]);
    }
  });

  it('refuses an empty batch', () => {
    const result = build([]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual(['arquivo: nenhum título informado']);
  });

  it('lets a baixa name a due date already past, not an entrada', () => {
    const past = { dueDate: '2026-01-10', issueDate: '2025-12-10' };
    expect(build([entry({ ...past, movement: '02' })]).ok).toBe(true);
    expect(problemsOf(build([entry({ ...past, movement: '06' })]))).toEqual([
      'título REC-0009: vencimento 10/01/2026 anterior à data do arquivo 20/02/2026',
    ]);
  });

  it('checks juros, desconto and multa dates against the due date', () => {
    const result = build([
      entry({
        interest: { kind: 'daily', cents: 5, from: '2026-03-10' },
        discount: { kind: 'amount', cents: 100, until: '2026-03-11' },
        secondDiscount: { kind: 'percent', basisPoints: 100, until: '2026-03-01' },
        fine: { kind: 'amount', cents: 300, from: '2026-03-09' },
      }),
    ]);
    expect(problemsOf(result)).toEqual([
      'título REC-0009: data dos juros deve ser posterior ao vencimento (C019)',
      'título REC-0009: data do desconto posterior ao vencimento',
      'título REC-0009: desconto 2 deve ser do mesmo tipo do primeiro (valor ou percentual, C021)',
      'título REC-0009: data do desconto 2 deve ser posterior à do primeiro desconto',
      'título REC-0009: multa de R$ 3,00 acima do limite de 2,00% do valor',
      'título REC-0009: data da multa deve ser posterior ao vencimento',
    ]);
  });

  it('validates without building, with the same verdicts', () => {
    const input: Remessa240Input = {
      nsa: 1,
      generatedAt: GENERATED_AT,
      creditor: BB,
      titles: [
        entry(),
        entry({
          seuNumero: 'X',
          nossoNumero: bancoDoBrasilNossoNumero('1234567', 20),
          payer: { ...JOSE, uf: '' },
        }),
      ],
    };
    const check = validateRemessa240(input);
    expect(check.problems).toEqual([]);
    expect(check.accepted).toHaveLength(1);
    expect(check.refused).toEqual([
      { index: 1, seuNumero: 'X', problems: ['título X: UF do pagador inválida'] },
    ]);
  });

  it('dates the file in São Paulo time', () => {
    const lines = linesOf(
      buildRemessa240({
        nsa: 1,
        generatedAt: new Date('2026-02-21T02:30:00Z'),
        creditor: BB,
        titles: [entry()],
      }),
    );
    expect(at(lines[0], 144, 157)).toBe('20022026233000');
  });

  it('truncates free text to its field: address 40, bairro 15, cidade 15', () => {
    const lines = linesOf(
      build([
        entry({
          payer: {
            ...JOSE,
            address: 'Avenida Presidente Juscelino Kubitschek de Oliveira, 1909, Torre Sul',
            district: 'Vila Nova Conceição',
            city: 'São José dos Campos',
          },
        }),
      ]),
    );
    expect(at(lines[3], 74, 113)).toBe('AVENIDA PRESIDENTE JUSCELINO KUBITSCHEK ');
    expect(at(lines[3], 114, 128)).toBe('VILA NOVA CONCE');
    expect(at(lines[3], 137, 151)).toBe('SAO JOSE DOS CA');
  });
});

describe('property: any valid batch makes a consistent file', () => {
  const FILE_DATE: CalendarDate = '2026-02-20';
  const UFS = ['SP', 'RJ', 'MG', 'BA', 'RS', 'PE', 'DF', 'AM'];

  const creditors: Record<string, RemessaCreditor> = {
    '001': BB,
    '237': {
      bankCode: '237',
      document: '11.222.333/0001-81',
      name: 'Régua',
      agency: '1234',
      agencyDigit: '5',
      account: '1234567',
      accountDigit: '0',
      convenio: '4567891',
      carteira: '09',
    },
    '341': {
      bankCode: '341',
      document: '11.222.333/0001-81',
      name: 'Régua',
      agency: '0057',
      account: '12345',
      accountDigit: '7',
      carteira: '109',
    },
    '104': {
      bankCode: '104',
      bankName: 'Caixa',
      document: '11.222.333/0001-81',
      name: 'Régua',
      agency: '1234',
      account: '123456789',
      convenio: '654321',
    },
  };

  const nossoNumero = (bank: string, i: number): string => {
    if (bank === '001') return bancoDoBrasilNossoNumero('1234567', i + 1);
    if (bank === '237') return `${String(i + 1).padStart(11, '0')}P`;
    return String(i + 1).padStart(9, '0');
  };

  const text = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 60 });
  const payer = fc.record({
    document: fc.oneof(
      fc
        .stringMatching(/^\d{9}$/)
        .filter((b) => !/^(\d)\1+$/.test(b))
        .map(cpfFromBase),
      fc.stringMatching(/^[0-9A-Z]{8}0001$/).map(cnpjFromBase),
    ),
    name: text.map((s) => `A${s}`),
    address: text.map((s) => `R${s}`),
    district: text,
    cep: fc.integer({ min: 1, max: 99_999_999 }).map((n) => String(n).padStart(8, '0')),
    city: text.map((s) => `C${s}`),
    uf: fc.constantFrom(...UFS),
  });
  const title = fc.record({
    movement: fc.constantFrom('01' as const, '02' as const, '06' as const),
    dueIn: fc.integer({ min: 0, max: 400 }),
    issuedBefore: fc.integer({ min: 0, max: 60 }),
    amountCents: fc.integer({ min: 100, max: MAX_BOLETO_CENTS }),
    finePercent: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
    dailyInterest: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
    payer,
  });

  it('every line 240 ASCII characters, CRLF, sequences, counts and totals agree with the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('001', '237', '341', '104'),
        fc.array(title, { minLength: 1, maxLength: 25 }),
        (bank, drafts) => {
          const titles: RemessaTitle[] = drafts.map((d, i) => ({
            movement: d.movement,
            nossoNumero: nossoNumero(bank, i),
            seuNumero: `T${i}`,
            dueDate: addDays(FILE_DATE, d.dueIn),
            issueDate: addDays(FILE_DATE, -d.issuedBefore),
            amountCents: d.amountCents,
            fine: d.finePercent === undefined ? undefined : { kind: 'percent', basisPoints: d.finePercent },
            interest: d.dailyInterest === undefined ? undefined : { kind: 'daily', cents: d.dailyInterest },
            payer: d.payer,
          }));
          const creditor = creditors[bank];
          if (!creditor) throw new Error(bank);
          const result = buildRemessa240({ nsa: 123, generatedAt: GENERATED_AT, creditor, titles });
          if (!result.ok) throw new Error(result.problems.concat(problemsOf(result)).join('; '));
          expect(result.refused).toEqual([]);
          expect(result.bytes.every((b) => b === 0x0d || b === 0x0a || (b >= 0x20 && b <= 0x7e))).toBe(true);
          const lines = linesOf(result);
          for (const line of lines) expect(line).toHaveLength(240);
          expect(`${lines.join('\r\n')}\r\n`).toBe(result.text);

          const details = lines.slice(2, -2);
          expect(details.map((l) => Number(at(l, 9, 13)))).toEqual(details.map((_, i) => i + 1));
          expect(details.every((l) => at(l, 1, 8) === `${bank}00013`)).toBe(true);
          const ps = details.filter((l) => at(l, 14, 14) === 'P');
          expect(ps).toHaveLength(titles.length);
          const expectedR = titles.filter((t) => t.movement === '01' && t.fine).length;
          expect(details.filter((l) => at(l, 14, 14) === 'R')).toHaveLength(expectedR);
          expect(details.filter((l) => at(l, 14, 14) === 'Q')).toHaveLength(titles.length);

          const sum = titles.reduce((s, t) => s + t.amountCents, 0);
          expect(ps.reduce((s, l) => s + Number(at(l, 86, 100)), 0)).toBe(sum);
          expect(result.totals).toEqual({ lines: lines.length, titles: titles.length, totalCents: sum });

          const lotTrailer = lines.at(-2);
          const fileTrailer = lines.at(-1);
          expect(at(lotTrailer, 8, 8)).toBe('5');
          expect(Number(at(lotTrailer, 18, 23))).toBe(details.length + 2);
          const profile = remessa240Profile(bank);
          const fillsTotals = profile.records.lotTrailer.some((f) => f.source === 'lot.totalCents');
          expect(Number(at(lotTrailer, 24, 29))).toBe(fillsTotals ? titles.length : 0);
          expect(Number(at(lotTrailer, 30, 46))).toBe(fillsTotals ? sum : 0);
          expect(at(fileTrailer, 1, 8)).toBe(`${bank}99999`);
          expect(Number(at(fileTrailer, 18, 23))).toBe(1);
          expect(Number(at(fileTrailer, 24, 29))).toBe(lines.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
