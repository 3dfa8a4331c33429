import {
  generatePixPayload,
  getPixKeyInfo,
  getPixPayloadInfo,
  isValidCnpj,
  isValidCpf,
  isValidPixPayload,
} from '@brazilian-utils/brazilian-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cnpjFromBase, cpfFromBase, formatTaxId } from '../shared/documents.ts';
import { centsToDecimal } from '../shared/money.ts';
import {
  AMOUNT_MAX_CENTS,
  crc16,
  type DynamicPixInput,
  dynamicPix,
  type PixFields,
  PixInputError,
  parsePix,
  parsePixKey,
  pixQrPng,
  pixQrSvg,
  type StaticPixInput,
  staticPix,
} from './pix.ts';

// BRAZIL.md, "Pix BR Code"
const VECTOR_EVP =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const VECTOR_PHONE =
  '00020126360014br.gov.bcb.pix0114+5511943214321520400005303986540566.665802BR5907EMPRESA6008BRASILIA62070503***630452B5';

/** Replaces the CRC so that only the structure is wrong. */
function withFreshCrc(payloadWithoutCrc: string): string {
  return payloadWithoutCrc + crc16(payloadWithoutCrc);
}

describe('crc16 (CRC-16/CCITT-FALSE)', () => {
  it.each([
    ['123456789', '29B1'],
    ['', 'FFFF'],
    [VECTOR_EVP.slice(0, -4), '1D3D'],
    [VECTOR_PHONE.slice(0, -4), '52B5'],
  ])('crc16(%j) = %s', (text, crc) => {
    expect(crc16(text)).toBe(crc);
  });
});

describe('staticPix', () => {
  it('generates the EVP vector of the Bacen manual byte for byte', () => {
    expect(
      staticPix({
        key: '123e4567-e12b-12d1-a456-426655440000',
        name: 'Fulano de Tal',
        city: 'BRASILIA',
        txid: '***',
      }),
    ).toBe(VECTOR_EVP);
  });

  it('generates the phone vector with 54 = "66.66" from 6666 centavos', () => {
    expect(staticPix({ key: '+5511943214321', name: 'EMPRESA', city: 'BRASILIA', amountCents: 6666 })).toBe(
      VECTOR_PHONE,
    );
  });

  it.each([
    [1, '54040.01'],
    [10, '54040.10'],
    [100, '54041.00'],
    [6666, '540566.66'],
    [123456, '54071234.56'],
    [10 ** 10, '5412100000000.00'],
    [AMOUNT_MAX_CENTS, '54139999999999.99'],
  ])('writes %i centavos as field %s', (amountCents, field) => {
    const payload = staticPix({ key: '52998224725', name: 'X', city: 'Y', amountCents });
    expect(payload).toContain(`5303986${field}5802BR`);
    expect(parsePix(payload)).toMatchObject({ ok: true, fields: { amountCents } });
  });

  it.each([
    ['José da Silva Ação Ltda.', 'Jose da Silva Acao Ltda.'],
    ['Cooperativa de Crédito dos Produtores Rurais', 'Cooperativa de Credito do'],
    ['  Maria   da\tConceição  ', 'Maria da Conceicao'],
    ['Padaria Nº 1 – Pão & Cia', 'Padaria No 1 Pao & Cia'],
    ['Müller Straße GmbH', 'Muller Strae GmbH'],
    ['Loja 1ª Opção', 'Loja 1a Opcao'],
    // The 25th character is a space: it is trimmed rather than written
    ['Associação Comercial São José', 'Associacao Comercial Sao'],
  ])('folds the name %j to %j', (name, expected) => {
    const parsed = parsePix(staticPix({ key: '52998224725', name, city: 'São Paulo' }));
    expect(parsed).toMatchObject({ ok: true, fields: { name: expected, city: 'Sao Paulo' } });
  });

  it('folds and cuts the city to 15 characters', () => {
    const parsed = parsePix(staticPix({ key: '52998224725', name: 'X', city: 'São João del-Rei' }));
    expect(parsed).toMatchObject({ ok: true, fields: { city: 'Sao Joao del-Re' } });
  });

  it('writes description, CEP and txid where the manual puts them', () => {
    const payload = staticPix({
      key: '11.222.333/0001-81',
      name: 'Empresa',
      city: 'Recife',
      amountCents: 1050,
      txid: 'Acordo123',
      description: 'Parcela 2/5 - acordo nº 123',
      cep: '50030-230',
    });
    expect(payload.slice(0, -4)).toBe(
      '000201' +
        '26670014br.gov.bcb.pix0114112223330001810227Parcela 2/5 - acordo no 123' +
        '52040000' +
        '5303986' +
        '540510.50' +
        '5802BR5907Empresa6006Recife' +
        '610850030230' +
        '62130509Acordo123' +
        '6304',
    );
    expect(parsePix(payload)).toEqual({
      ok: true,
      fields: {
        key: '11222333000181',
        name: 'Empresa',
        city: 'Recife',
        amountCents: 1050,
        txid: 'Acordo123',
        description: 'Parcela 2/5 - acordo no 123',
        cep: '50030230',
        singleUse: false,
      },
    });
  });

  const base: StaticPixInput = { key: '52998224725', name: 'Fulano', city: 'Recife' };
  it.each<[string, Partial<StaticPixInput>, string, RegExp]>([
    ['an unknown key', { key: 'not a key' }, 'key', /not a Pix key/],
    ['a CPF with wrong check digits', { key: '529.982.247-26' }, 'key', /CPF.*check digits/],
    ['an alphanumeric CNPJ with wrong check digits', { key: '12.ABC.345/01DE-36' }, 'key', /CNPJ/],
    ['a landline', { key: '+551133334444' }, 'key', /mobile/],
    ['a phone with an unused area code', { key: '+5520943214321' }, 'key', /area code 20/],
    ['a foreign phone', { key: '+12025550123' }, 'key', /\+55/],
    ['an e-mail without domain', { key: 'fulano@' }, 'key', /e-mail/],
    ['an e-mail longer than 77 characters', { key: `${'a'.repeat(70)}@example.com` }, 'key', /77/],
    ['an empty name', { name: '   ' }, 'name', /name is required/],
    ['a name with no ASCII form', { name: '日本' }, 'name', /name is required/],
    ['an empty city', { city: '' }, 'city', /city is required/],
    ['a zero amount', { amountCents: 0 }, 'amountCents', /1 to/],
    ['a negative amount', { amountCents: -100 }, 'amountCents', /1 to/],
    ['a fractional amount', { amountCents: 10.5 }, 'amountCents', /whole number/],
    ['an amount above 13 characters', { amountCents: AMOUNT_MAX_CENTS + 1 }, 'amountCents', /1 to/],
    ['a txid with a hyphen', { txid: 'abc-123' }, 'txid', /\[A-Za-z0-9\]/],
    ['a txid of 26 characters', { txid: 'a'.repeat(26) }, 'txid', /1 to 25/],
    ['an empty txid', { txid: '' }, 'txid', /1 to 25/],
    ['a CEP of 7 digits', { cep: '5003023' }, 'cep', /8 digits/],
    [
      'a description that does not fit next to an EVP',
      { key: '123e4567-e12b-12d1-a456-426655440000', description: 'x'.repeat(38) },
      'description',
      /only 37 fit/,
    ],
  ])('refuses %s', (_case, change, field, message) => {
    let error: unknown;
    try {
      staticPix({ ...base, ...change });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PixInputError);
    expect(error).toMatchObject({ field, message: expect.stringMatching(message) });
  });

  it('fills field 26 to exactly 99 characters with a description that just fits', () => {
    const payload = staticPix({
      key: '123e4567-e12b-12d1-a456-426655440000',
      name: 'X',
      city: 'Y',
      description: 'x'.repeat(37),
    });
    expect(payload.slice(6, 10)).toBe('2699');
    expect(parsePix(payload).ok).toBe(true);
    expect(isValidPixPayload(payload)).toBe(true);
  });
});

describe('parsePixKey', () => {
  it.each([
    ['52998224725', 'cpf', '52998224725'],
    ['529.982.247-25', 'cpf', '52998224725'],
    ['11.222.333/0001-81', 'cnpj', '11222333000181'],
    ['12.ABC.345/01DE-35', 'cnpj', '12ABC34501DE35'],
    ['12abc34501de35', 'cnpj', '12ABC34501DE35'],
    ['Fulano@Example.COM ', 'email', 'fulano@example.com'],
    ['fulano+cobranca@empresa.com.br', 'email', 'fulano+cobranca@empresa.com.br'],
    ['+5511943214321', 'phone', '+5511943214321'],
    ['+55 (11) 94321-4321', 'phone', '+5511943214321'],
    ['123E4567-E12B-12D1-A456-426655440000', 'evp', '123e4567-e12b-12d1-a456-426655440000'],
  ])('reads %j as a %s key %s, as @brazilian-utils does', (text, type, value) => {
    expect(parsePixKey(text)).toEqual({ ok: true, key: { type, value } });
    expect(getPixKeyInfo(text)).toEqual({ type, value });
  });

  it.each([
    // Same answer as @brazilian-utils
    ['111.111.111-11', null],
    ['00000000000000', null],
    ['+551133334444', null],
    ['a@b', null],
    ['a..b@example.com', null],
    ['.a@example.com', null],
    ['x@-example.com', null],
    // Deliberately stricter than @brazilian-utils: a phone key must carry +55 (otherwise eleven
    // digits are ambiguous with a CPF), and a 9-digit mobile number starts with 9.
    ['11943214321', { type: 'phone', value: '+5511943214321' }],
    ['(11) 94321-4321', { type: 'phone', value: '+5511943214321' }],
    ['+5511843214321', { type: 'phone', value: '+5511843214321' }],
  ])('refuses %j (@brazilian-utils reads it as %j)', (text, library) => {
    expect(parsePixKey(text).ok).toBe(false);
    expect(getPixKeyInfo(text)).toEqual(library);
  });
});

describe('dynamicPix', () => {
  it('matches @brazilian-utils byte for byte for a reusable location', () => {
    const input = { url: 'pix.example.com/qr/v2/1234', name: 'Fulano de Tal', city: 'Brasília' };
    // The library always writes 01 = 12 for a location; we write it only for a single-use code.
    expect(dynamicPix({ ...input, singleUse: true })).toBe(
      generatePixPayload({ url: input.url, merchantName: input.name, merchantCity: input.city }),
    );
    expect(dynamicPix({ ...input, singleUse: true })).toBe(
      '00020101021226480014br.gov.bcb.pix2526pix.example.com/qr/v2/12345204000053039865802BR5913Fulano de Tal6008Brasilia62070503***6304FC66',
    );
  });

  it.each([true, false])('round-trips singleUse = %s', (singleUse) => {
    const payload = dynamicPix({
      url: 'qr.psp.com.br/v2/cobv/9d36b84fc70b478fb95c12729b90ca25',
      name: 'Régua Cobranças',
      city: 'Florianópolis',
      amountCents: 25_000,
      singleUse,
    });
    expect(payload.startsWith('000201010212')).toBe(singleUse);
    expect(parsePix(payload)).toEqual({
      ok: true,
      fields: {
        url: 'qr.psp.com.br/v2/cobv/9d36b84fc70b478fb95c12729b90ca25',
        name: 'Regua Cobrancas',
        city: 'Florianopolis',
        amountCents: 25_000,
        singleUse,
      },
    });
    expect(getPixPayloadInfo(payload)).toMatchObject({
      url: 'qr.psp.com.br/v2/cobv/9d36b84fc70b478fb95c12729b90ca25',
      pointOfInitiation: 'dynamic',
    });
  });

  const base: DynamicPixInput = { url: 'pix.example.com/qr/1', name: 'X', city: 'Y', singleUse: true };
  it.each<[string, Partial<DynamicPixInput>, string, RegExp]>([
    ['a URL with its scheme', { url: 'https://pix.example.com/qr/1' }, 'url', /without the scheme/],
    ['a URL with a space', { url: 'pix.example.com/qr 1' }, 'url', /host and path/],
    ['a bare word', { url: 'localhost' }, 'url', /host and path/],
    ['a URL of 78 characters', { url: `pix.example.com/${'a'.repeat(62)}` }, 'url', /99/],
    ['an empty name', { name: '' }, 'name', /required/],
    ['a zero amount', { amountCents: 0 }, 'amountCents', /1 to/],
  ])('refuses %s', (_case, change, field, message) => {
    expect(() => dynamicPix({ ...base, ...change })).toThrow(message);
    expect(() => dynamicPix({ ...base, ...change })).toThrow(expect.objectContaining({ field }));
  });

  it('accepts a URL of exactly 77 characters', () => {
    const url = `pix.example.com/${'a'.repeat(61)}`;
    expect(url).toHaveLength(77);
    expect(parsePix(dynamicPix({ ...base, url }))).toMatchObject({ ok: true, fields: { url } });
  });
});

describe('parsePix', () => {
  it.each<[string, PixFields]>([
    [
      VECTOR_EVP,
      {
        key: '123e4567-e12b-12d1-a456-426655440000',
        name: 'Fulano de Tal',
        city: 'BRASILIA',
        singleUse: false,
      },
    ],
    [
      VECTOR_PHONE,
      { key: '+5511943214321', name: 'EMPRESA', city: 'BRASILIA', amountCents: 6666, singleUse: false },
    ],
  ])('reads the vector %s', (payload, fields) => {
    expect(parsePix(payload)).toEqual({ ok: true, fields });
  });

  it('accepts a lowercase CRC and an uppercase GUI', () => {
    expect(parsePix(`${VECTOR_EVP.slice(0, -4)}1d3d`).ok).toBe(true);
    const upperGui = withFreshCrc(VECTOR_EVP.slice(0, -4).replace('br.gov.bcb.pix', 'BR.GOV.BCB.PIX'));
    expect(parsePix(upperGui).ok).toBe(true);
  });

  const body = VECTOR_EVP.slice(0, -4);
  // Each of these has a CRC computed over the broken text, so only the TLV structure is wrong.
  it.each([
    ['the name one longer than it is', body.replace('5913Fulano', '5914Fulano')],
    ['the name one shorter than it is', body.replace('5913Fulano', '5912Fulano')],
    ['the key one longer than it is (inside 26)', body.replace('0136123e', '0137123e')],
    ['the key one shorter than it is (inside 26)', body.replace('0136123e', '0135123e')],
    ['field 26 one shorter than it is', body.replace('26580014', '26570014')],
    ['field 26 one longer than it is', body.replace('26580014', '26590014')],
    ['the txid one longer than it is (inside 62)', body.replace('0503***', '0504***')],
    ['field 62 one shorter than it is', body.replace('62070503', '62060503')],
    ['the format indicator with length 3', body.replace(/^000201/, '000301')],
    ['the CRC object with length 5', `${body.slice(0, -4)}6305`],
    ['a length that is not two digits', body.replace('5802BR', '58 2BR')],
  ])('rejects a payload with %s even though its CRC matches', (_case, broken) => {
    expect(broken).not.toBe(body);
    const payload = withFreshCrc(broken);
    expect(payload.slice(-4)).toBe(crc16(payload.slice(0, -4)));
    expect(parsePix(payload)).toMatchObject({ ok: false, error: expect.any(String) });
  });

  it.each([
    ['an empty string', ''],
    ['a wrong CRC', `${body}1D3E`],
    ['a CRC that is not hex', `${body}1D3G`],
    ['a truncated payload', VECTOR_EVP.slice(0, -1)],
    ['trailing whitespace', `${VECTOR_EVP}\n`],
    ['a non-ASCII name', withFreshCrc(body.replace('5913Fulano de Tal', '5913Fulano de Tál'))],
    ['another GUI', withFreshCrc(body.replace('br.gov.bcb.pix', 'br.gov.bcb.pax'))],
    ['no format indicator first', withFreshCrc(body.replace(/^000201/, ''))],
    ['format indicator 02', withFreshCrc(body.replace(/^000201/, '000202'))],
    ['point of initiation 13', withFreshCrc(body.replace(/^000201/, '000201010213'))],
    ['currency 840', withFreshCrc(body.replace('5303986', '5303840'))],
    ['country US', withFreshCrc(body.replace('5802BR', '5802US'))],
    ['no merchant name', withFreshCrc(body.replace('5913Fulano de Tal', ''))],
    ['no merchant city', withFreshCrc(body.replace('6008BRASILIA', ''))],
    ['no category code', withFreshCrc(body.replace('52040000', ''))],
    ['an object twice', withFreshCrc(body.replace('5802BR', '5802BR5802BR'))],
    ['an object of length 00', withFreshCrc(body.replace('5802BR', '5802BR6400'))],
    ['a zero amount', withFreshCrc(body.replace('5802BR', '54040.005802BR'))],
    ['a comma amount', withFreshCrc(body.replace('5802BR', '540510,005802BR'))],
    ['three decimals', withFreshCrc(body.replace('5802BR', '540610.0005802BR'))],
    [
      'both a key and a location',
      withFreshCrc(body.replace('26580014br.gov.bcb.pix', '26700014br.gov.bcb.pix2508pix.a.br')),
    ],
    ['neither a key nor a location', withFreshCrc(body.replace(/2658.{58}/, '26180014br.gov.bcb.pix'))],
  ])('rejects %s', (_case, payload) => {
    expect(parsePix(payload)).toMatchObject({ ok: false, error: expect.any(String) });
  });
});

// --- Properties ------------------------------------------------------------------------------

type Case<T> = { input: string; expected: T };

/** [what the user types, what the BR Code carries] */
const LETTERS: [string, string][] = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    .split('')
    .map((c): [string, string] => [c, c]),
  ...(['&', '.', '-', "'", '/'] as const).map((c): [string, string] => [c, c]),
  [' ', ' '],
  [' ', ' '],
  ['\t', ' '],
  ['á', 'a'],
  ['à', 'a'],
  ['â', 'a'],
  ['ã', 'a'],
  ['Á', 'A'],
  ['Ã', 'A'],
  ['é', 'e'],
  ['ê', 'e'],
  ['É', 'E'],
  ['í', 'i'],
  ['Í', 'I'],
  ['ó', 'o'],
  ['ô', 'o'],
  ['õ', 'o'],
  ['Ó', 'O'],
  ['ú', 'u'],
  ['ü', 'u'],
  ['Ú', 'U'],
  ['ç', 'c'],
  ['Ç', 'C'],
  ['ñ', 'n'],
];

function foldedText(maxRaw: number, maxOut: number): fc.Arbitrary<Case<string>> {
  return fc
    .array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: maxRaw })
    .map((pairs) => ({
      input: pairs.map(([raw]) => raw).join(''),
      expected: pairs
        .map(([, ascii]) => ascii)
        .join('')
        .replace(/ +/g, ' ')
        .trim()
        .slice(0, maxOut)
        .trimEnd(),
    }))
    .filter((text) => text.expected !== '');
}

const DDD = [11, 21, 27, 31, 41, 48, 51, 61, 71, 81, 85, 91, 92, 99];

const pixKey: fc.Arbitrary<Case<string>> = fc.oneof(
  fc
    .stringMatching(/^\d{9}$/)
    .map(cpfFromBase)
    .filter((cpf) => isValidCpf(cpf))
    .chain((cpf) =>
      fc.constantFrom({ input: cpf, expected: cpf }, { input: formatTaxId(cpf), expected: cpf }),
    ),
  fc
    .stringMatching(/^[0-9A-Z]{12}$/)
    .map(cnpjFromBase)
    .filter((cnpj) => isValidCnpj(cnpj, { version: 2 }))
    .chain((cnpj) =>
      fc.constantFrom(
        { input: cnpj, expected: cnpj },
        { input: formatTaxId(cnpj).toLowerCase(), expected: cnpj },
      ),
    ),
  fc
    .uuid()
    .chain((uuid) =>
      fc.constantFrom({ input: uuid, expected: uuid }, { input: uuid.toUpperCase(), expected: uuid }),
    ),
  fc
    .tuple(
      fc.stringMatching(/^[a-z0-9]{1,12}([._+-][a-z0-9]{1,8})?$/),
      fc.stringMatching(/^[a-z]{2,10}\.(com|com\.br|org)$/),
    )
    .map(([local, domain]) => `${local}@${domain}`)
    .chain((email) =>
      fc.constantFrom({ input: email, expected: email }, { input: email.toUpperCase(), expected: email }),
    ),
  fc
    .tuple(fc.constantFrom(...DDD), fc.stringMatching(/^\d{8}$/))
    .map(([ddd, number]) => ({ input: `+55${ddd}9${number}`, expected: `+55${ddd}9${number}` })),
);

const amountCents = fc.option(fc.integer({ min: 1, max: 10 ** 10 }), { nil: undefined });

const staticCase = fc.record({
  key: pixKey,
  name: foldedText(40, 25),
  city: foldedText(25, 15),
  amountCents,
  txid: fc.option(fc.oneof(fc.constant('***'), fc.stringMatching(/^[A-Za-z0-9]{1,25}$/)), { nil: undefined }),
  description: fc.option(foldedText(30, 99), { nil: undefined }),
  cep: fc.option(fc.stringMatching(/^\d{8}$/), { nil: undefined }),
});

type StaticCase = typeof staticCase extends fc.Arbitrary<infer T> ? T : never;

function toInput(c: StaticCase): StaticPixInput {
  const input: StaticPixInput = { key: c.key.input, name: c.name.input, city: c.city.input };
  if (c.amountCents !== undefined) input.amountCents = c.amountCents;
  if (c.txid !== undefined) input.txid = c.txid;
  if (c.description !== undefined) input.description = c.description.input;
  if (c.cep !== undefined) input.cep = c.cep;
  return input;
}

function expectedFields(c: StaticCase): PixFields {
  const fields: PixFields = {
    key: c.key.expected,
    name: c.name.expected,
    city: c.city.expected,
    singleUse: false,
  };
  if (c.amountCents !== undefined) fields.amountCents = c.amountCents;
  if (c.txid !== undefined && c.txid !== '***') fields.txid = c.txid;
  if (c.description !== undefined) fields.description = c.description.expected;
  if (c.cep !== undefined) fields.cep = c.cep;
  return fields;
}

const dynamicCase = fc.record({
  url: fc
    .tuple(
      fc.stringMatching(/^[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){1,2}\.(com|com\.br)$/),
      fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,12}){0,3}$/),
    )
    .map(([host, path]) => `${host}${path}`),
  name: foldedText(40, 25),
  city: foldedText(25, 15),
  amountCents,
  singleUse: fc.boolean(),
});

describe('properties', () => {
  it('parsePix(staticPix(x)) gives back x, and @brazilian-utils reads the same payload alike', () => {
    fc.assert(
      fc.property(staticCase, (c) => {
        const payload = staticPix(toInput(c));
        const fields = expectedFields(c);
        expect(parsePix(payload)).toEqual({ ok: true, fields });

        expect(isValidPixPayload(payload)).toBe(true);
        const info = getPixPayloadInfo(payload);
        expect(info).toMatchObject({
          key: fields.key,
          merchantName: fields.name,
          merchantCity: fields.city,
          pointOfInitiation: 'static',
        });
        expect(info?.amount).toBe(
          c.amountCents === undefined ? undefined : Number(centsToDecimal(c.amountCents)),
        );
        expect(info?.txid).toBe(fields.txid);
        expect(info?.description).toBe(fields.description);
      }),
      { numRuns: 300 },
    );
  });

  it('parsePix(dynamicPix(x)) gives back x, and @brazilian-utils reads the same location', () => {
    fc.assert(
      fc.property(dynamicCase, (c) => {
        const input: DynamicPixInput = {
          url: c.url,
          name: c.name.input,
          city: c.city.input,
          singleUse: c.singleUse,
        };
        if (c.amountCents !== undefined) input.amountCents = c.amountCents;
        const payload = dynamicPix(input);
        const fields: PixFields = {
          url: c.url,
          name: c.name.expected,
          city: c.city.expected,
          singleUse: c.singleUse,
        };
        if (c.amountCents !== undefined) fields.amountCents = c.amountCents;
        expect(parsePix(payload)).toEqual({ ok: true, fields });
        expect(isValidPixPayload(payload)).toBe(true);
        expect(getPixPayloadInfo(payload)).toMatchObject({
          url: c.url,
          merchantName: fields.name,
          merchantCity: fields.city,
          pointOfInitiation: 'dynamic',
        });
      }),
      { numRuns: 200 },
    );
  });

  it('reads payloads generated by @brazilian-utils as that library reads them', () => {
    fc.assert(
      fc.property(staticCase, (c) => {
        const payload = generatePixPayload({
          key: c.key.input,
          merchantName: c.name.input,
          merchantCity: c.city.input,
          ...(c.amountCents === undefined ? {} : { amount: Number(centsToDecimal(c.amountCents)) }),
          // The library refuses an explicit '***' (it is only its default).
          ...(c.txid === undefined || c.txid === '***' ? {} : { txid: c.txid }),
          ...(c.description === undefined ? {} : { description: c.description.input }),
        });
        if (payload === null) throw new Error(`@brazilian-utils refused ${JSON.stringify(c)}`);
        const info = getPixPayloadInfo(payload);
        const parsed = parsePix(payload);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok || info === null) return;
        expect(parsed.fields.key).toBe(info.key);
        expect(parsed.fields.key).toBe(c.key.expected);
        expect(parsed.fields.name).toBe(info.merchantName);
        expect(parsed.fields.city).toBe(info.merchantCity);
        expect(parsed.fields.txid).toBe(info.txid);
        expect(parsed.fields.description).toBe(info.description);
        expect(parsed.fields.amountCents).toBe(c.amountCents);
      }),
      { numRuns: 200 },
    );
  });

  const anyPayload = fc.oneof(
    staticCase.map((c) => staticPix(toInput(c))),
    dynamicCase.map((c) =>
      dynamicPix({ url: c.url, name: c.name.input, city: c.city.input, singleUse: c.singleUse }),
    ),
  );
  const replacement = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    fc.constantFrom('é', 'ç', '\n', '\u00a0', '€'),
  );

  it('rejects every single-character corruption of a payload', () => {
    fc.assert(
      fc.property(anyPayload, fc.nat(), replacement, (payload, at, char) => {
        const index = at % payload.length;
        const original = payload[index] ?? '';
        // Changing the case of a CRC hex digit is not a corruption: the CRC is read case-insensitively.
        const crcCaseOnly = index >= payload.length - 4 && char.toUpperCase() === original.toUpperCase();
        fc.pre(char !== original && !crcCaseOnly);
        const corrupted = payload.slice(0, index) + char + payload.slice(index + 1);
        expect(parsePix(corrupted)).toMatchObject({ ok: false });
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every single-character corruption of the two vectors, at every position', () => {
    for (const payload of [VECTOR_EVP, VECTOR_PHONE]) {
      for (let index = 0; index < payload.length; index++) {
        for (const char of ['0', '1', '9', 'A', 'z', ' ', '*', '.']) {
          if (char.toUpperCase() === payload[index]?.toUpperCase()) continue;
          const corrupted = payload.slice(0, index) + char + payload.slice(index + 1);
          expect(parsePix(corrupted).ok, corrupted).toBe(false);
        }
      }
    }
  });
});

describe('QR code', () => {
  it('renders a PNG', async () => {
    const png = await pixQrPng(VECTOR_PHONE);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('renders an SVG', async () => {
    const svg = await pixQrSvg(VECTOR_PHONE);
    expect(svg).toContain('<svg');
    expect(svg).toContain('</svg>');
  });
});
