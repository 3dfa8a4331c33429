import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BcbPixServer, startBcbPixServer } from '../../test/support/bcbPix.ts';
import { parsePix } from './pix.ts';
import {
  type CobvFromTermsInput,
  type CobvRequest,
  centsToValor,
  cobvFromTerms,
  createPspClient,
  newTxid,
  type PspClient,
  PspError,
  PspInputError,
  parseReguaTxid,
  percentToValorPerc,
  reguaTxid,
  TXID_PATTERN,
  VALOR_MAX_CENTS,
  VALOR_PATTERN,
  valorToCents,
} from './psp.ts';

const EVP = '123e4567-e12b-12d1-a456-426655440000';
const CPF = '52998224725';
const CLOCK = new Date('2025-06-02T15:00:00Z');

let psp: BcbPixServer;
let client: PspClient;

const clientFor = (server: BcbPixServer, overrides: Partial<Parameters<typeof createPspClient>[0]> = {}) =>
  createPspClient({
    baseUrl: server.url,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    retry: { baseDelayMs: 1 },
    ...overrides,
  });

const tokenCalls = (server: BcbPixServer) => server.requests.filter((r) => r.path === '/oauth/token');
const apiCalls = (server: BcbPixServer, method: string, prefix: string) =>
  server.requests.filter((r) => r.method === method && r.path.startsWith(prefix));

let txidSeq = 0;
const txid = () => reguaTxid({ orgId: 7, agreementId: 40 + txidSeq++, installment: 1 });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

const terms = (overrides: Partial<CobvFromTermsInput> = {}): CobvFromTermsInput => ({
  amountCents: 15_000,
  dueDate: '2025-06-30',
  debtor: { document: '529.982.247-25', name: 'Maria  da Silva', kind: 'person' },
  chave: EVP,
  terms: { multaPercent: '2', jurosMonthlyPercent: '1' },
  ...overrides,
});

beforeEach(async () => {
  psp = await startBcbPixServer({ now: () => CLOCK });
  client = clientFor(psp);
});

afterEach(async () => {
  await psp.close();
});

// ---------------------------------------------------------------------------------------------

describe('money in the API Pix format', () => {
  it('writes centavos as "reais.centavos" and reads them back exactly, for every amount the pattern holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: VALOR_MAX_CENTS }), (cents) => {
        const valor = centsToValor(cents);
        expect(valor).toMatch(VALOR_PATTERN);
        expect(valorToCents(valor)).toBe(cents);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every well-formed API value and writes it back unchanged', () => {
    const reais = fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9]\d{0,9}$/));
    const centavos = fc.stringMatching(/^\d{2}$/);
    fc.assert(
      fc.property(reais, centavos, (r, c) => {
        expect(centsToValor(valorToCents(`${r}.${c}`))).toBe(`${r}.${c}`);
      }),
    );
  });

  it.each([
    [1, '0.01'],
    [10, '0.10'],
    [100, '1.00'],
    [123_456, '1234.56'],
    [VALOR_MAX_CENTS, '9999999999.99'],
  ])('%i centavos is "%s"', (cents, valor) => {
    expect(centsToValor(cents)).toBe(valor);
  });

  it.each([-1, 0.5, 1.1, VALOR_MAX_CENTS + 1, Number.NaN])('refuses %s centavos', (cents) => {
    expect(() => centsToValor(cents)).toThrow(PspInputError);
  });

  it.each(['1', '1.5', '1,50', '01234567890.00', '-1.00', ' 1.00', '1.000'])(
    'refuses "%s" as a valor',
    (valor) => {
      expect(() => valorToCents(valor)).toThrow(PspInputError);
    },
  );

  it.each([
    ['2', '2.00'],
    ['0,5', '0.50'],
    ['1.25', '1.25'],
    ['0.999', '0.99'],
    ['0.033', '0.03'],
    ['100', '100.00'],
  ])('percentage %s is valorPerc %s (never rounded up)', (percent, valorPerc) => {
    expect(percentToValorPerc('p', percent, 100)).toBe(valorPerc);
  });
});

describe('txid', () => {
  it("Régua's txid fits the contract and gives back its organization, agreement and installment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 1, max: 999 }),
        (orgId, agreementId, installment) => {
          const id = reguaTxid({ orgId, agreementId, installment });
          expect(id).toMatch(TXID_PATTERN);
          expect(id.startsWith(`RG${orgId}A${agreementId}N${installment}`)).toBe(true);
          expect(parseReguaTxid(id)).toEqual({ orgId, agreementId, installment });
        },
      ),
    );
  });

  it('two txids for the same installment differ (a re-issued charge gets a new txid)', () => {
    const parts = { orgId: 1, agreementId: 2, installment: 3 };
    expect(reguaTxid(parts)).not.toBe(reguaTxid(parts));
  });

  it('newTxid pads any short prefix to a valid txid', () => {
    expect(newTxid('')).toMatch(TXID_PATTERN);
    expect(newTxid('RG1')).toMatch(/^RG1[A-Za-z][A-Za-z0-9]{31}$/);
    expect(() => newTxid('RG-1')).toThrow(PspInputError);
    expect(() => newTxid('A'.repeat(30))).toThrow(PspInputError);
  });

  it.each([
    'E12345678202009091221kkkkkkkkkkk',
    'RG1A2N3',
    'RGxA2N3abcdefghijklmnopqrstuvwxyz',
    'RG0A2N3abcdefghijklmnopqrstuvwxyz',
    'XX1A2N3abcdefghijklmnopqrstuvwxyz',
  ])('parseReguaTxid(%s) is null', (id) => {
    expect(parseReguaTxid(id)).toBeNull();
  });

  it('refuses a malformed txid before calling the PSP', async () => {
    await expect(client.getCob('short')).rejects.toBeInstanceOf(PspInputError);
    expect(psp.requests).toHaveLength(0);
  });
});

describe('cobvFromTerms', () => {
  it('maps multa to modalidade 2 (percentual) and juros a.m. to modalidade 3 (percentual ao mês, dias corridos)', () => {
    const body = cobvFromTerms(
      terms({ discount: { untilDate: '2025-06-20', percent: '5' }, solicitacaoPagador: 'Parcela 1 de 3' }),
    );
    expect(body).toEqual({
      calendario: { dataDeVencimento: '2025-06-30', validadeAposVencimento: 30 },
      devedor: { cpf: CPF, nome: 'Maria da Silva' },
      valor: {
        original: '150.00',
        multa: { modalidade: 2, valorPerc: '2.00' },
        juros: { modalidade: 3, valorPerc: '1.00' },
        desconto: { modalidade: 2, descontoDataFixa: [{ data: '2025-06-20', valorPerc: '5.00' }] },
      },
      chave: EVP,
      solicitacaoPagador: 'Parcela 1 de 3',
    });
  });

  it('leaves out multa and juros that are zero, and writes a company debtor as cnpj', () => {
    const body = cobvFromTerms(
      terms({
        debtor: { document: '12.ABC.345/01DE-35', name: 'Empresa SA', kind: 'company' },
        terms: { multaPercent: '0', jurosMonthlyPercent: '0,0' },
        validadeAposVencimento: 0,
      }),
    );
    expect(body.valor).toEqual({ original: '150.00' });
    expect(body.devedor).toEqual({ cnpj: '12ABC34501DE35', nome: 'Empresa SA' });
    expect(body.calendario.validadeAposVencimento).toBe(0);
  });

  it.each<[string, Partial<CobvFromTermsInput>, string]>([
    ['negative multa', { terms: { multaPercent: '-2', jurosMonthlyPercent: '1' } }, 'multaPercent'],
    ['multa above 100%', { terms: { multaPercent: '150', jurosMonthlyPercent: '1' } }, 'multaPercent'],
    [
      'juros above 100% a month',
      { terms: { multaPercent: '2', jurosMonthlyPercent: '101' } },
      'jurosMonthlyPercent',
    ],
    [
      'juros that is not a number',
      { terms: { multaPercent: '2', jurosMonthlyPercent: 'um' } },
      'jurosMonthlyPercent',
    ],
    [
      'no agreed juros (taxa legal)',
      { terms: { multaPercent: '2', jurosMonthlyPercent: null } },
      'jurosMonthlyPercent',
    ],
    ['zero amount', { amountCents: 0 }, 'amountCents'],
    ['fractional centavos', { amountCents: 10.5 }, 'amountCents'],
    ['a due date that is not a date', { dueDate: '2025-02-30' }, 'dueDate'],
    ['negative validadeAposVencimento', { validadeAposVencimento: -1 }, 'validadeAposVencimento'],
    [
      'a CPF with a wrong check digit',
      { debtor: { document: '529.982.247-26', name: 'X', kind: 'person' } },
      'debtor.document',
    ],
    ['a CPF for a company', { debtor: { document: CPF, name: 'X', kind: 'company' } }, 'debtor.document'],
    ['an empty name', { debtor: { document: CPF, name: '  ', kind: 'person' } }, 'debtor.name'],
    ['an invalid Pix key', { chave: 'not a key' }, 'chave'],
    [
      'a discount after the due date',
      { discount: { untilDate: '2025-07-01', percent: '5' } },
      'discount.untilDate',
    ],
    ['a 100% discount', { discount: { untilDate: '2025-06-20', percent: '100' } }, 'discount.percent'],
  ])('refuses %s', (_name, overrides, field) => {
    let caught: unknown;
    try {
      cobvFromTerms(terms(overrides));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PspInputError);
    expect((caught as PspInputError).field).toBe(field);
  });
});

// ---------------------------------------------------------------------------------------------

describe('access token', () => {
  it('reuses one token across calls', async () => {
    const id = txid();
    await client.createCob(id, { amountCents: 1_000, chave: EVP });
    await client.getCob(id);
    await client.setWebhook(EVP, 'https://regua.example.com/webhooks/pix/1/x');
    expect(tokenCalls(psp)).toHaveLength(1);
  });

  it('asks for a new token once when the PSP answers 401, and the call succeeds', async () => {
    const id = txid();
    await client.createCob(id, { amountCents: 1_000, chave: EVP });
    psp.revokeTokens();
    const cob = await client.getCob(id);
    expect(cob.txid).toBe(id);
    expect(tokenCalls(psp)).toHaveLength(2);
    expect(apiCalls(psp, 'GET', `/v2/cob/${id}`).map((r) => r.status)).toEqual([401, 200]);
  });

  it('renews the token shortly before it expires, without waiting for a 401', async () => {
    let clock = 1_000_000;
    const timed = clientFor(psp, { now: () => clock });
    const id = txid();
    await timed.createCob(id, { amountCents: 1_000, chave: EVP });
    clock += 3_510_000; // 58.5 minutes into a 60-minute token: still good
    await timed.getCob(id);
    expect(tokenCalls(psp)).toHaveLength(1);
    clock += 60_000; // 59.5 minutes: inside the last minute, renewed before the PSP would refuse it
    await timed.getCob(id);
    expect(tokenCalls(psp)).toHaveLength(2);
    expect(psp.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('shares one token request between concurrent calls', async () => {
    await Promise.all([1, 2, 3].map(() => client.createCob(txid(), { amountCents: 500, chave: EVP })));
    expect(tokenCalls(psp)).toHaveLength(1);
  });

  it('wrong credentials: a pt-BR error, not retried', async () => {
    const wrong = clientFor(psp, { clientSecret: 'nope' });
    const error = await rejection(wrong.getCob(txid()));
    expect(error).toBeInstanceOf(PspError);
    expect((error as PspError).status).toBe(401);
    expect((error as PspError).message).toMatch(/recusou as credenciais/);
    expect(tokenCalls(psp)).toHaveLength(1);
    expect(psp.requests.filter((r) => r.path.startsWith('/v2/'))).toHaveLength(0);
  });

  it('asks only for the scopes it is given; a call outside them is AcessoNegado', async () => {
    const readOnly = clientFor(psp, { scope: 'cob.read' });
    const error = await rejection(readOnly.createCob(txid(), { amountCents: 100, chave: EVP }));
    expect((error as PspError).status).toBe(403);
    expect((error as PspError).code).toBe('AcessoNegado');
    expect((error as PspError).message).toMatch(/escopos/);
  });
});

describe('immediate charge (cob)', () => {
  it('is created with PUT and read back with the amount as a string, a location and a dynamic BR Code', async () => {
    const id = txid();
    const created = await client.createCob(id, {
      amountCents: 123_456,
      chave: EVP,
      expiracaoSeconds: 3600,
      debtor: { document: '529.982.247-25', name: 'Maria da Silva' },
      solicitacaoPagador: 'Acordo 40, parcela 1',
    });
    expect(created).toMatchObject({
      txid: id,
      revisao: 0,
      status: 'ATIVA',
      calendario: { criacao: CLOCK.toISOString(), expiracao: 3600 },
      valor: { original: '1234.56' },
      devedor: { cpf: CPF, nome: 'Maria da Silva' },
      chave: EVP,
    });
    expect(created.location).toMatch(/^pix\.example\.com\/qr\/v2\/[0-9a-f]{32}$/);
    expect(created.loc).toMatchObject({ location: created.location, tipoCob: 'cob' });
    const code = parsePix(created.pixCopiaECola ?? '');
    expect(code).toEqual({
      ok: true,
      fields: expect.objectContaining({ url: created.location, amountCents: 123_456, singleUse: true }),
    });

    const read = await client.getCob(id);
    expect(read).toEqual(created);
    expect(apiCalls(psp, 'PUT', '/v2/cob/')).toHaveLength(1);
  });

  it('the amount that reaches the PSP is exactly our centavos', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: VALOR_MAX_CENTS }), async (cents) => {
        const cob = await client.createCob(txid(), { amountCents: cents, chave: EVP });
        expect(valorToCents(cob.valor.original)).toBe(cents);
      }),
      { numRuns: 30 },
    );
  });

  it('PUT is idempotent by txid: the same body keeps revisao, a changed body increments it', async () => {
    const id = txid();
    const input = { amountCents: 5_000, chave: EVP };
    expect((await client.createCob(id, input)).revisao).toBe(0);
    expect((await client.createCob(id, input)).revisao).toBe(0);
    const revised = await client.createCob(id, { ...input, amountCents: 5_500 });
    expect(revised.revisao).toBe(1);
    expect(revised.valor.original).toBe('55.00');
    expect((await client.getCob(id, { revisao: 0 })).valor.original).toBe('50.00');
    expect(psp.charge(id)).toEqual({ kind: 'cob', status: 'ATIVA', revisao: 1 });
  });

  it('cancel sets REMOVIDA_PELO_USUARIO_RECEBEDOR; cancelling again is harmless; the txid cannot be reused', async () => {
    const id = txid();
    await client.createCob(id, { amountCents: 2_000, chave: EVP });
    const cancelled = await client.cancelCob(id);
    expect(cancelled.status).toBe('REMOVIDA_PELO_USUARIO_RECEBEDOR');
    expect(cancelled.revisao).toBe(1);
    expect((await client.cancelCob(id)).status).toBe('REMOVIDA_PELO_USUARIO_RECEBEDOR');
    expect(apiCalls(psp, 'PATCH', `/v2/cob/${id}`).map((r) => r.status)).toEqual([200, 400]);

    const error = await rejection(client.createCob(id, { amountCents: 2_500, chave: EVP }));
    expect((error as PspError).code).toBe('CobOperacaoInvalida');
    expect((error as PspError).message).toMatch(/não está no status ATIVA/);
    await expect(psp.pay(id)).rejects.toThrow(/REMOVIDA/);
  });

  it('cancelling a paid charge is refused', async () => {
    const id = txid();
    await client.createCob(id, { amountCents: 2_000, chave: EVP });
    await psp.pay(id);
    const error = await rejection(client.cancelCob(id));
    expect((error as PspError).status).toBe(400);
    expect((await client.getCob(id)).status).toBe('CONCLUIDA');
  });
});

describe('charge with a due date (cobv)', () => {
  it('carries multa, juros and desconto from the creditor terms and reads back', async () => {
    const id = txid();
    const body = cobvFromTerms(terms({ discount: { untilDate: '2025-06-20', percent: '10' } }));
    const created = await client.createCobv(id, body);
    expect(created).toMatchObject({
      txid: id,
      revisao: 0,
      status: 'ATIVA',
      calendario: {
        criacao: CLOCK.toISOString(),
        dataDeVencimento: '2025-06-30',
        validadeAposVencimento: 30,
      },
      devedor: { cpf: CPF, nome: 'Maria da Silva' },
      valor: {
        original: '150.00',
        multa: { modalidade: 2, valorPerc: '2.00' },
        juros: { modalidade: 3, valorPerc: '1.00' },
        desconto: { modalidade: 2, descontoDataFixa: [{ data: '2025-06-20', valorPerc: '10.00' }] },
      },
      recebedor: expect.objectContaining({ cnpj: '11222333000181' }),
    });
    expect(created.loc?.tipoCob).toBe('cobv');
    const code = parsePix(created.pixCopiaECola ?? '');
    expect(code.ok && code.fields.url).toBe(created.location);
    expect(await client.getCobv(id)).toEqual(created);
  });

  it('a cob txid is not a cobv', async () => {
    const id = txid();
    await client.createCob(id, { amountCents: 100, chave: EVP });
    const error = await rejection(client.getCobv(id));
    expect((error as PspError).status).toBe(404);
    expect((error as PspError).code).toBe('CobVNaoEncontrada');
  });

  it('cancel', async () => {
    const id = txid();
    await client.createCobv(id, cobvFromTerms(terms()));
    expect((await client.cancelCobv(id)).status).toBe('REMOVIDA_PELO_USUARIO_RECEBEDOR');
    expect(psp.charge(id)?.status).toBe('REMOVIDA_PELO_USUARIO_RECEBEDOR');
  });
});

describe('errors', () => {
  it('a 400 comes back as PspError with the problem+json fields and a pt-BR message, and is not retried', async () => {
    const id = txid();
    const bad: CobvRequest = {
      ...cobvFromTerms(terms()),
      calendario: { dataDeVencimento: '2025-05-01' },
      devedor: { cpf: '123', nome: 'Maria' },
    };
    const error = await rejection(client.createCobv(id, bad));
    expect(error).toBeInstanceOf(PspError);
    const problem = error as PspError;
    expect(problem).toMatchObject({
      status: 400,
      type: 'https://pix.bcb.gov.br/api/v2/error/CobVOperacaoInvalida',
      code: 'CobVOperacaoInvalida',
      title: 'Cobrança inválida.',
      retryable: false,
    });
    expect(problem.violacoes.map((v) => v.propriedade)).toEqual([
      'cobv.calendario.dataDeVencimento',
      'cobv.devedor.cpf',
    ]);
    expect(problem.message).toMatch(/^O PSP recusou a cobrança Pix com vencimento: /);
    expect(problem.message).toContain('anterior à data de criação');
    expect(apiCalls(psp, 'PUT', '/v2/cobv/')).toHaveLength(1);
  });

  it('an unknown txid is a 404 with a message a person understands', async () => {
    const error = await rejection(client.getCob(txid()));
    expect(error).toMatchObject({ status: 404, code: 'CobNaoEncontrado' });
    expect((error as PspError).message).toBe('O PSP não encontrou esta cobrança Pix (txid desconhecido).');
  });

  it('5xx is retried with backoff and then succeeds', async () => {
    psp.failNext(2, { status: 503 });
    const id = txid();
    const cob = await client.createCob(id, { amountCents: 700, chave: EVP });
    expect(cob.status).toBe('ATIVA');
    expect(apiCalls(psp, 'PUT', `/v2/cob/${id}`).map((r) => r.status)).toEqual([503, 503, 201]);
  });

  it('a dropped connection is retried too', async () => {
    psp.failNext(1, { reset: true });
    const id = txid();
    await client.createCob(id, { amountCents: 700, chave: EVP });
    expect(apiCalls(psp, 'PUT', `/v2/cob/${id}`).map((r) => r.status)).toEqual([0, 201]);
  });

  it('a token endpoint in trouble is retried as well', async () => {
    psp.failNext(1, { status: 502, target: 'token' });
    await client.createCob(txid(), { amountCents: 700, chave: EVP });
    expect(tokenCalls(psp).map((r) => r.status)).toEqual([502, 200]);
  });

  it('gives up after 3 attempts with ServicoIndisponivel in pt-BR', async () => {
    psp.failNext(5, { status: 503 });
    const id = txid();
    const error = await rejection(client.createCob(id, { amountCents: 700, chave: EVP }));
    expect(error).toMatchObject({ status: 503, code: 'ServicoIndisponivel', retryable: true });
    expect((error as PspError).message).toMatch(/indisponível/);
    expect(apiCalls(psp, 'PUT', `/v2/cob/${id}`)).toHaveLength(3);
  });

  it('an unreachable PSP is a network PspError after the bounded attempts', async () => {
    const dead = createPspClient({
      baseUrl: 'http://127.0.0.1:9',
      clientId: 'a',
      clientSecret: 'b',
      retry: { baseDelayMs: 1, attempts: 2 },
    });
    const error = await rejection(dead.getCob(txid()));
    expect(error).toMatchObject({ status: 0, retryable: true });
    expect((error as PspError).message).toMatch(/^Não foi possível falar com o PSP/);
  });
});

describe('webhook and received Pix', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ path: string; body: unknown }> = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => {
        raw += chunk;
      });
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: JSON.parse(raw) });
        response.statusCode = 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('a paid charge is POSTed to the registered URL + /pix', async () => {
    received.length = 0;
    await client.setWebhook(EVP.toUpperCase(), `${receiverUrl}/webhooks/pix/7/secret-token`);
    const id = txid();
    await client.createCob(id, { amountCents: 123_456, chave: EVP });
    const paidAt = new Date('2025-06-02T15:30:45Z');
    const { pix, delivery } = await psp.pay(id, { paidAt, infoPagador: 'pago pelo app' });

    expect(delivery?.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/webhooks/pix/7/secret-token/pix');
    expect(received[0]?.body).toEqual({
      pix: [
        {
          endToEndId: pix.endToEndId,
          txid: id,
          valor: '1234.56',
          chave: EVP,
          horario: '2025-06-02T15:30:45.000Z',
          infoPagador: 'pago pelo app',
        },
      ],
    });
    expect(pix.endToEndId).toMatch(/^E12345678202506021530[A-Za-z0-9]{11}$/);

    const cob = await client.getCob(id);
    expect(cob.status).toBe('CONCLUIDA');
    expect(cob.pix?.map((p) => p.endToEndId)).toEqual([pix.endToEndId]);
  });

  it('a malformed webhook URL or key is refused before reaching the PSP', async () => {
    await expect(client.setWebhook(EVP, 'not a url')).rejects.toBeInstanceOf(PspInputError);
    await expect(client.setWebhook('x', `${receiverUrl}/h`)).rejects.toBeInstanceOf(PspInputError);
    expect(psp.requests).toHaveLength(0);
  });

  it('listPix follows paginacao and returns every page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = txid();
      ids.push(id);
      await client.createCob(id, { amountCents: 1_000 + i, chave: EVP });
      await psp.pay(id, { paidAt: new Date(Date.UTC(2025, 5, 3, 10, i)) });
    }
    // One outside the period.
    const late = txid();
    await client.createCob(late, { amountCents: 1, chave: EVP });
    await psp.pay(late, { paidAt: new Date('2025-06-04T00:00:00Z') });

    const pix = await client.listPix({
      inicio: new Date('2025-06-03T00:00:00Z'),
      fim: '2025-06-03T23:59:59Z',
      itensPorPagina: 2,
    });
    expect(pix.map((p) => p.txid)).toEqual(ids);
    expect(pix.map((p) => valorToCents(p.valor))).toEqual([1_000, 1_001, 1_002, 1_003, 1_004]);
    expect(
      apiCalls(psp, 'GET', '/v2/pix?').map((r) =>
        new URL(r.path, psp.url).searchParams.get('paginacao.paginaAtual'),
      ),
    ).toEqual(['0', '1', '2']);
  });

  it('listPix of an empty period makes one call and returns nothing', async () => {
    expect(await client.listPix({ inicio: '2030-01-01T00:00:00Z', fim: '2030-01-02T00:00:00Z' })).toEqual([]);
    expect(apiCalls(psp, 'GET', '/v2/pix?')).toHaveLength(1);
  });

  it('listPix with fim before inicio is a PixConsultaInvalida', async () => {
    const error = await rejection(
      client.listPix({ inicio: '2025-06-03T00:00:00Z', fim: '2025-06-02T00:00:00Z' }),
    );
    expect(error).toMatchObject({ status: 400, code: 'PixConsultaInvalida' });
    expect((error as PspError).message).toMatch(/^O PSP recusou a consulta: /);
  });
});
