import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../shared/dates.ts';
import { defaultCadence } from './defaults.ts';
import type { StepChannel } from './definition.ts';
import {
  abusivePhrases,
  CHANNEL_RULES,
  checkTemplate,
  firstName,
  formatBrDate,
  formatBrlText,
  formatDocument,
  renderExample,
  renderTemplate,
  smsSegments,
  suggestVariable,
  TEMPLATE_VARIABLES,
  type TemplateContext,
  type TemplateVariable,
  templateValues,
  templateVariables,
} from './templates.ts';

const AS_OF = '2025-03-10';

function context(overrides: Partial<TemplateContext> = {}): TemplateContext {
  return {
    debtor: { name: 'JOÃO DA SILVA', document: '52998224725', kind: 'person' },
    creditor: {
      legalName: 'Comercial Santos Ltda',
      tradeName: 'Loja Santos',
      cnpj: '12ABC34501DE35',
      address: 'Rua das Flores, 123\nCentro, Campinas/SP',
      phone: '(19) 3234-5678',
      email: 'financeiro@santos.com.br',
    },
    receivables: [
      { externalId: 'r-1', documentNumber: 'NF 1001', dueDate: '2025-02-28', openCents: 15_000 },
      { externalId: 'r-2', documentNumber: 'NF 1002', dueDate: '2025-03-10', openCents: 5 },
      { externalId: 'r-3', documentNumber: null, dueDate: '2025-04-10', openCents: 123_456 },
    ],
    asOf: AS_OF,
    paymentLink: 'https://pague.regua.app/p/Ab3dE9xK',
    pixCopiaECola: '00020126580014br.gov.bcb.pix',
    linhaDigitavel: '23790.12345 60000.123456 78901.234567 8 91230000030000',
    ...overrides,
  };
}

const ALL_VARIABLES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

describe('formatting', () => {
  it.each([
    ['52998224725', '529.982.247-25'],
    ['529.982.247-25', '529.982.247-25'],
    ['12ABC34501DE35', '12.ABC.345/01DE-35'],
    ['12.abc.345/01de-35', '12.ABC.345/01DE-35'],
    ['11222333000181', '11.222.333/0001-81'],
    ['  123  ', '123'],
  ])('formats the document %s as %s', (doc, expected) => {
    expect(formatDocument(doc)).toBe(expected);
  });

  it.each([
    [0, 'R$ 0,00'],
    [5, 'R$ 0,05'],
    [123_456, 'R$ 1.234,56'],
    [100_000_000, 'R$ 1.000.000,00'],
    [-150, '-R$ 1,50'],
  ])('formats %i centavos as %s with a plain space', (cents, expected) => {
    expect(formatBrlText(cents)).toBe(expected);
  });

  it('formats calendar dates as dd/mm/aaaa', () => {
    expect(formatBrDate('2025-03-01')).toBe('01/03/2025');
  });

  it.each([
    ['MARIA DA SILVA', 'Maria'],
    ['  joão   pedro', 'João'],
    ['ÉRICA', 'Érica'],
    ['ANA-LUÍSA SOUZA', 'Ana-Luísa'],
  ])('takes %s to the first name %s', (name, expected) => {
    expect(firstName(name)).toBe(expected);
  });
});

describe('templateVariables', () => {
  it.each([
    ['Olá {{debtor.firstName}}', ['debtor.firstName']],
    ['{{ debtor.name }} e {{debtor.name}} e {{total}}', ['debtor.name', 'total']],
    ['{{debtor.nome}} {{  creditor.cnpj\t}}', ['debtor.nome', 'creditor.cnpj']],
    ['sem variáveis, {chaves simples} e {{ }}', []],
  ])('lists the variables of %j', (text, expected) => {
    expect(templateVariables(text)).toEqual(expected);
  });
});

describe('renderTemplate', () => {
  it('greets a person by a properly capitalised first name', () => {
    const result = renderTemplate({ body: 'Olá {{debtor.firstName}}, tudo bem?' }, context());
    expect(result).toEqual({ ok: true, subject: null, body: 'Olá João, tudo bem?' });
  });

  it('greets a company by its whole name', () => {
    const ctx = context({
      debtor: { name: 'ACME COMÉRCIO LTDA', document: '11222333000181', kind: 'company' },
    });
    const result = renderTemplate({ body: 'Prezados, {{debtor.firstName}} ({{debtor.document}})' }, ctx);
    expect(result).toEqual({
      ok: true,
      subject: null,
      body: 'Prezados, ACME COMÉRCIO LTDA (11.222.333/0001-81)',
    });
  });

  it('lists overdue, due-today and not-yet-due receivables, earliest first', () => {
    const result = renderTemplate(
      {
        subject: '{{creditor.name}}: {{receivables.count}} títulos, desde {{dueDate}}',
        body: 'Em aberto:\n{{receivables}}\nTotal: {{total}} ({{daysLate}} dias de atraso)',
      },
      context(),
    );
    expect(result).toEqual({
      ok: true,
      subject: 'Loja Santos: 3 títulos, desde 28/02/2025',
      body: [
        'Em aberto:',
        '- NF 1001: R$ 150,00, vencimento 28/02/2025 (10 dias em atraso)',
        '- NF 1002: R$ 0,05, vence hoje',
        '- r-3: R$ 1.234,56, vence em 10/04/2025',
        'Total: R$ 1.384,61 (10 dias de atraso)',
      ].join('\n'),
    });
  });

  it('says "1 dia" for a single day late and reports 0 days late when nothing is overdue', () => {
    const late = context({
      receivables: [{ externalId: 'x', documentNumber: null, dueDate: '2025-03-09', openCents: 100 }],
    });
    expect(templateValues(late).receivables).toBe('- x: R$ 1,00, vencimento 09/03/2025 (1 dia em atraso)');
    const early = context({
      receivables: [{ externalId: 'x', documentNumber: null, dueDate: '2025-03-20', openCents: 100 }],
    });
    expect(templateValues(early).daysLate).toBe('0');
  });

  it('names the creditor by trade name, else legal name, and keeps the address on one line', () => {
    const base = context();
    const values = templateValues(base);
    expect(values['creditor.name']).toBe('Loja Santos');
    expect(values['creditor.cnpj']).toBe('12.ABC.345/01DE-35');
    expect(values['creditor.address']).toBe('Rua das Flores, 123 Centro, Campinas/SP');
    const noTrade = context({ creditor: { ...base.creditor, tradeName: null } });
    expect(templateValues(noTrade)['creditor.name']).toBe('Comercial Santos Ltda');
  });

  it.each<[string, Partial<TemplateContext>, string, string[]]>([
    ['no Pix', { pixCopiaECola: null }, 'Pague com Pix: {{pix.copiaECola}}', ['pix.copiaECola']],
    ['no boleto', { linhaDigitavel: null }, 'Boleto: {{ boleto.linhaDigitavel }}', ['boleto.linhaDigitavel']],
    ['no payment link', { paymentLink: null }, '{{paymentLink}} {{paymentLink}}', ['paymentLink']],
    ['an unknown variable', {}, '{{debtor.nome}} {{creditor.name}}', ['debtor.nome']],
    [
      'no receivables',
      { receivables: [] },
      '{{receivables}} {{dueDate}} {{total}}',
      ['receivables', 'dueDate'],
    ],
  ])('fails listing what is missing when there is %s', (_, overrides, body, missing) => {
    expect(renderTemplate({ body }, context(overrides))).toEqual({ ok: false, missing, malformed: [] });
  });

  it('fails on stray braces rather than send them', () => {
    const result = renderTemplate(
      { subject: 'Oi {{debtor.name', body: 'Olá {debtor.firstName}} {{ }}' },
      context(),
    );
    expect(result).toEqual({
      ok: false,
      missing: [],
      malformed: ['{{debtor.name', '{debtor.firstName}}', '{{ }}'],
    });
  });

  it('does not let a value bring "{{" into the message', () => {
    const ctx = context({ debtor: { name: '{{total}} {', document: '1', kind: 'person' } });
    const result = renderTemplate({ body: '{{{debtor.name}}{{debtor.name}}' }, ctx);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.body).not.toContain('{{');
  });

  it('never leaves "{{" in the output for any mix of known variables and a complete context', () => {
    const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{{') && !s.includes('}}'));
    const placeholder = fc
      .tuple(
        fc.constantFrom(...ALL_VARIABLES),
        fc.constantFrom('', ' ', '  '),
        fc.constantFrom('', ' ', '\t'),
      )
      .map(([name, before, after]) => `{{${before}${name}${after}}}`);
    const template = fc
      .array(fc.tuple(text, placeholder), { maxLength: 8 })
      .map((parts) => parts.flat().join(''));
    const value = fc.string({ minLength: 1, maxLength: 15 }).filter((s) => s.trim() !== '');
    const receivable = fc.record({
      externalId: value,
      documentNumber: fc.option(value),
      dueDate: fc.integer({ min: -400, max: 400 }).map((d) => addDays(AS_OF, d)),
      openCents: fc.integer({ min: 0, max: 1e11 }),
    });
    const ctx = fc.record({
      debtor: fc.record({ name: value, document: value, kind: fc.constantFrom('person', 'company') }),
      creditor: fc.record({
        legalName: value,
        tradeName: fc.option(value),
        cnpj: value,
        address: value,
        phone: value,
        email: value,
      }),
      receivables: fc.array(receivable, { minLength: 1, maxLength: 4 }),
      asOf: fc.constant(AS_OF),
      paymentLink: value,
      pixCopiaECola: value,
      linhaDigitavel: value,
    });
    fc.assert(
      fc.property(template, template, ctx, (subject, body, c) => {
        const result = renderTemplate({ subject, body }, c);
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.body).not.toContain('{{');
          expect(result.subject).not.toContain('{{');
        }
      }),
    );
  });
});

describe('smsSegments', () => {
  it.each([
    ['160 GSM characters', 'a'.repeat(160), 'GSM-7', 160, 1],
    ['161 GSM characters', 'a'.repeat(161), 'GSM-7', 161, 2],
    ['306 GSM characters', 'a'.repeat(306), 'GSM-7', 306, 2],
    ['307 GSM characters', 'a'.repeat(307), 'GSM-7', 307, 3],
    ['70 characters with ã', 'ã'.repeat(70), 'UCS-2', 70, 1],
    ['71 characters with ã', `ã${'a'.repeat(70)}`, 'UCS-2', 71, 2],
    ['134 UCS-2 characters', 'ç'.repeat(134), 'UCS-2', 134, 2],
    ['135 UCS-2 characters', 'ç'.repeat(135), 'UCS-2', 135, 3],
    ['a euro sign', '€', 'GSM-7', 2, 1],
    ['80 euro signs', '€'.repeat(80), 'GSM-7', 160, 1],
    ['81 euro signs', '€'.repeat(81), 'GSM-7', 162, 2],
    ['the GSM accents', 'é è ù ì ò à Ç Ñ ñ Ü ü Ö ö Ä ä Å å É Ø ø Æ æ ß ¿ ¡ § £ ¥ Δ Ω', 'GSM-7', 59, 1],
    ['an escape pair never split', `${'a'.repeat(152)}€${'a'.repeat(152)}`, 'GSM-7', 306, 3],
    ['an emoji', 'Oi 😀', 'UCS-2', 5, 1],
    ['a surrogate pair never split', `${'a'.repeat(66)}😀${'a'.repeat(66)}`, 'UCS-2', 134, 3],
    ['lowercase ç', 'cobrança', 'UCS-2', 8, 1],
    ['an empty text', '', 'GSM-7', 0, 1],
  ])('measures %s', (_, text, encoding, characters, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, characters, segments });
  });

  it('follows the 160/153 rule for GSM text and 70/67 for UCS-2 text', () => {
    const gsm = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '@', 'é', '\n', '?'), maxLength: 700 });
    const ucs = fc.string({ unit: fc.constantFrom('a', 'ã', 'õ', 'ç', 'Á', ' '), maxLength: 400 });
    fc.assert(
      fc.property(gsm, (text) => {
        const n = text.length;
        expect(smsSegments(text)).toEqual({
          encoding: 'GSM-7',
          characters: n,
          segments: n <= 160 ? 1 : Math.ceil(n / 153),
        });
      }),
    );
    fc.assert(
      fc.property(ucs, (body) => {
        const text = `ã${body}`;
        const n = text.length;
        expect(smsSegments(text)).toEqual({
          encoding: 'UCS-2',
          characters: n,
          segments: n <= 70 ? 1 : Math.ceil(n / 67),
        });
      }),
    );
  });

  it('never needs fewer parts for a longer text', () => {
    const piece = fc.string({
      unit: fc.constantFrom('a', ' ', '€', '{', 'ã', 'ç', '😀', '\n'),
      maxLength: 400,
    });
    fc.assert(
      fc.property(piece, piece, (a, b) => {
        expect(smsSegments(a + b).segments).toBeGreaterThanOrEqual(smsSegments(a).segments);
      }),
    );
  });
});

describe('CHANNEL_RULES', () => {
  it.each<[StepChannel, boolean, string, number, boolean]>([
    ['email', true, 'characters', 20_000, true],
    ['sms', false, 'smsSegments', 3, true],
    ['whatsapp', false, 'characters', 1024, true],
    ['phone', false, 'characters', 2000, false],
    ['letter', true, 'characters', 20_000, true],
    ['portal', false, 'characters', 20_000, true],
    ['negativacao', false, 'characters', 20_000, true],
    ['protest', false, 'characters', 20_000, true],
  ])('%s: subject %s, at most %i %s, creditor identification %s', (channel, subject, unit, max, id) => {
    expect(CHANNEL_RULES[channel]).toMatchObject({
      subjectRequired: subject,
      maxBody: { unit, max },
      creditorIdentificationRequired: id,
    });
  });
});

const ID = '{{creditor.name}} (CNPJ {{creditor.cnpj}})';

function codes(channel: StepChannel, subject: string | null, body: string): string[] {
  return checkTemplate(channel, { subject, body }).map((p) => p.code);
}

describe('checkTemplate', () => {
  it('accepts every template of the default régua', () => {
    for (const segment of defaultCadence().segments)
      for (const step of segment.steps) {
        expect(checkTemplate(step.channel, step.template), step.key).toEqual([]);
        for (const variant of step.variants ?? [])
          expect(checkTemplate(step.channel, variant.template), `${step.key}/${variant.key}`).toEqual([]);
      }
  });

  it('suggests debtor.name for {{debtor.nome}}', () => {
    const problems = checkTemplate('whatsapp', { body: `Olá {{debtor.nome}}. ${ID}` });
    expect(problems).toEqual([
      {
        code: 'unknown_variable',
        message: 'A variável {{debtor.nome}} não existe. Você quis dizer {{debtor.name}}?',
      },
    ]);
  });

  it.each([
    ['debtor.nome', 'debtor.name'],
    ['devedor.nome', 'debtor.name'],
    ['Debtor.FirstName', 'debtor.firstName'],
    ['credor.cnpj', 'creditor.cnpj'],
    ['vencimento', 'dueDate'],
    ['pix', 'pix.copiaECola'],
    ['totl', 'total'],
    ['receivable', 'receivables'],
    ['xyzzy', null],
  ])('suggests for {{%s}}: %s', (name, expected) => {
    expect(suggestVariable(name)).toBe(expected);
  });

  it('names an unknown variable with no close match without suggesting one', () => {
    const [problem] = checkTemplate('sms', { body: `{{xyzzy}} ${ID}` });
    expect(problem?.message).toBe('A variável {{xyzzy}} não existe. Use uma das variáveis disponíveis.');
  });

  it.each<[StepChannel, string, string[]]>([
    ['email', 'Olá {{debtor.firstName}}', ['missing_creditor_identification']],
    ['sms', 'Loja {{creditor.name}}: pague hoje', ['missing_creditor_identification']],
    ['letter', `Prezado. ${ID}`, []],
    ['phone', 'Ligar para {{debtor.name}}', []],
    ['negativacao', '{{debtor.name}} {{total}}', ['missing_creditor_identification']],
  ])('on %s, %j needs the creditor identified: %j', (channel, body, expected) => {
    expect(codes(channel, 'Assunto', body)).toEqual(expected);
  });

  it('says which creditor variable is lacking', () => {
    const [problem] = checkTemplate('sms', { body: 'Loja {{creditor.name}}: pague hoje' });
    expect(problem?.message).toContain('Inclua {{creditor.cnpj}} no texto');
    expect(problem?.message).toContain('art. 42-A');
  });

  it('counts the subject towards the identification of an e-mail', () => {
    expect(codes('email', '{{creditor.name}}: aviso', 'CNPJ {{creditor.cnpj}}')).toEqual([]);
  });

  it.each<[StepChannel, string | null, string[]]>([
    ['email', null, ['subject_required']],
    ['email', '  ', ['subject_required']],
    ['letter', '', ['subject_required']],
    ['sms', null, []],
    ['whatsapp', null, []],
  ])('on %s, subject %j gives %j', (channel, subject, expected) => {
    expect(codes(channel, subject, `Olá. ${ID}`)).toEqual(expected);
  });

  it('reports an empty body', () => {
    expect(codes('sms', null, ' \n ')).toEqual(['empty_body']);
  });

  it('reports braces that do not make a variable', () => {
    expect(codes('sms', null, `Olá {{debtor.firstName}, {{ }} ${ID}`)).toEqual([
      'malformed_placeholder',
      'malformed_placeholder',
    ]);
  });

  it.each([
    ['Você pode ser preso se não pagar.', 'preso'],
    ['Sujeito a PRISÃO.', 'PRISÃO'],
    ['Acionaremos a polícia.', 'polícia'],
    ['Abriremos um processo criminal contra você.', 'processo criminal'],
    ['Não pagar é crime.', 'crime'],
    ['Não seja caloteiro.', 'caloteiro'],
    ['Que vergonha!', 'vergonha'],
    ['Não queremos humilhar ninguém.', 'humilhar'],
    ['Podemos expor sua situação.', 'expor'],
    ['Vamos contar para seu empregador.', 'Vamos contar para seu empregador'],
    ['Iremos avisar os seus vizinhos.', 'Iremos avisar os seus vizinhos'],
    ['Último aviso antes de acionarmos a polícia.', 'Último aviso antes de acionarmos a polícia'],
    ['Isto é uma ameaça formal.', 'ameaça'],
    ['Pense na sua família.', 'sua família'],
    ['Seu chefe vai saber.', 'Seu chefe'],
    ['Fique com o nome sujo.', 'nome sujo'],
    ['Você vai se arrepender.', 'vai se arrepender'],
    ['Tomaremos medidas drásticas.', 'medidas drásticas'],
    ['Um oficial de justiça irá à sua casa.', 'oficial de justiça'],
    ['Vamos bloquear seu salário.', 'bloquear seu salário'],
    ['Seus bens irão a penhora.', 'penhora'],
  ])('flags %j as abusive, quoting %j', (sentence, phrase) => {
    const problems = checkTemplate('sms', { body: `${sentence} ${ID}` });
    expect(problems.map((p) => p.code)).toEqual(['abusive_language']);
    expect(problems[0]?.message).toContain(`"${phrase}"`);
    expect(problems[0]?.message).toContain('arts. 42 e 71');
  });

  it.each([
    'Seu nome poderá ser incluído nos cadastros de proteção ao crédito (SPC/Serasa), conforme o art. 43, § 2º, do CDC.',
    'Caso o débito não seja pago, os títulos poderão ser levados a protesto (Lei 9.492/97).',
    'Evite a negativação: regularize o atraso e fale com a cobrança.',
    'Não havendo acordo, poderá ser ajuizada ação de cobrança (cobrança judicial).',
    'A prestação da sua empresa está em atraso; veja o presente aviso, conforme exposto acima.',
    'Pague pela exportação do boleto. Este é o último aviso antes da inclusão no Serasa.',
    'Cuidado com golpes e fraudes: nunca pedimos senha.',
  ])('does not flag the legitimate %j', (sentence) => {
    expect(abusivePhrases(sentence)).toEqual([]);
    expect(codes('letter', 'Notificação', `${sentence} ${ID}`)).toEqual([]);
  });

  it('looks for abusive language in the subject too', () => {
    expect(codes('email', 'Último aviso antes da penhora', `Olá. ${ID}`)).toEqual(['abusive_language']);
  });

  it('measures WhatsApp on the template text, up to 1024 characters', () => {
    const body = (n: number) => `${ID} ${'x'.repeat(n - ID.length - 1)}`;
    expect(codes('whatsapp', null, body(1024))).toEqual([]);
    const problems = checkTemplate('whatsapp', { body: body(1025) });
    expect(problems).toEqual([
      { code: 'too_long', message: 'O texto para WhatsApp tem 1.025 caracteres; o máximo é 1.024.' },
    ]);
  });

  it('measures an SMS with example values and allows at most 3 parts', () => {
    const prefix = `${ID}: `;
    const fill = (septets: number) => `${prefix}${'x'.repeat(septets - renderExample(prefix).length)}`;
    expect(smsSegments(renderExample(fill(459))).segments).toBe(3);
    expect(codes('sms', null, fill(459))).toEqual([]);
    const [problem] = checkTemplate('sms', { body: fill(460) });
    expect(problem?.code).toBe('too_long');
    expect(problem?.message).toContain('O SMS teria 4 partes; o máximo é 3');
  });

  it('explains which characters push an SMS into UCS-2', () => {
    const body = `${ID}: ${'Não identificamos o pagamento. '.repeat(7)}`;
    const [problem] = checkTemplate('sms', { body });
    expect(problem?.code).toBe('too_long');
    expect(problem?.message).toContain('"ã"');
    expect(problem?.message).toContain('sem eles o SMS teria 2 partes');
  });

  it('counts a long Pix code in an SMS', () => {
    const body = `${ID}. Pix: {{pix.copiaECola}} Boleto: {{boleto.linhaDigitavel}} {{receivables}}`;
    expect(codes('sms', null, body)).toEqual([]);
    expect(codes('sms', null, `${body} ${body}`)).toEqual(['too_long']);
  });
});
