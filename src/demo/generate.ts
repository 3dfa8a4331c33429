import { addDays, addMonths, type CalendarDate } from '../shared/dates.ts';
import { cnpjFromBase, cpfFromBase } from '../shared/documents.ts';
import { centsToDecimal } from '../shared/money.ts';
import {
  COMPANY_NAMES,
  COMPANY_SUFFIX,
  COMPANY_WORDS,
  DISTRICTS,
  FIRST_NAMES,
  LAST_NAMES,
  PLACES,
  STREETS,
} from './data.ts';
import { createRandom, type Random } from './random.ts';

export type DemoCreditorSpec = {
  key: string;
  cnpj: string;
  legalName: string;
  tradeName: string;
  segment: string;
  address: { street: string; number: string; district: string; city: string; uf: string; cep: string };
  monthlyFeeCents: number;
  successFeeBasisPoints: number;
  debtors: number;
  receivables: number;
  kind: 'subscription' | 'clinic' | 'distributor';
};

export const DEMO_CREDITORS: DemoCreditorSpec[] = [
  {
    key: 'nuvem',
    cnpj: cnpjFromBase('345678900001'),
    legalName: 'Nuvem Assinaturas Digitais Ltda',
    tradeName: 'Nuvem Play',
    segment: 'SaaS / assinaturas',
    address: {
      street: 'Avenida Paulista',
      number: '1578',
      district: 'Bela Vista',
      city: 'São Paulo',
      uf: 'SP',
      cep: '01310200',
    },
    monthlyFeeCents: 450_000,
    successFeeBasisPoints: 1200,
    debtors: 2_600,
    receivables: 11_000,
    kind: 'subscription',
  },
  {
    key: 'clinica',
    cnpj: cnpjFromBase('1A2B3C4D0001'),
    legalName: 'Clínica Vida Plena Serviços Médicos Ltda',
    tradeName: 'Clínica Vida Plena',
    segment: 'Saúde / clínica',
    address: {
      street: 'Rua da Bahia',
      number: '1148',
      district: 'Centro',
      city: 'Belo Horizonte',
      uf: 'MG',
      cep: '30160011',
    },
    monthlyFeeCents: 280_000,
    successFeeBasisPoints: 1500,
    debtors: 1_700,
    receivables: 5_200,
    kind: 'clinic',
  },
  {
    key: 'horizonte',
    cnpj: cnpjFromBase('087654320001'),
    legalName: 'Distribuidora Horizonte de Alimentos S.A.',
    tradeName: 'Horizonte Distribuidora',
    segment: 'Distribuição B2B',
    address: {
      street: 'Rodovia BR-116',
      number: 'km 12',
      district: 'Distrito Industrial',
      city: 'Curitiba',
      uf: 'PR',
      cep: '81460000',
    },
    monthlyFeeCents: 620_000,
    successFeeBasisPoints: 800,
    debtors: 700,
    receivables: 3_800,
    kind: 'distributor',
  },
];

export const OTHER_CREDITOR: DemoCreditorSpec = {
  key: 'outra',
  cnpj: cnpjFromBase('112233440001'),
  legalName: 'Escola Caminho do Saber Ltda',
  tradeName: 'Colégio Caminho do Saber',
  segment: 'Educação',
  address: {
    street: 'Rua Sete de Setembro',
    number: '90',
    district: 'Centro',
    city: 'Porto Alegre',
    uf: 'RS',
    cep: '90010190',
  },
  monthlyFeeCents: 150_000,
  successFeeBasisPoints: 1000,
  debtors: 200,
  receivables: 600,
  kind: 'subscription',
};

const HEADER = [
  'id',
  'documento',
  'parcela',
  'total_parcelas',
  'cpf_cnpj',
  'nome',
  'email',
  'telefone',
  'whatsapp',
  'endereco',
  'numero',
  'bairro',
  'cidade',
  'uf',
  'cep',
  'tags',
  'emissao',
  'vencimento',
  'valor',
  'saldo',
  'situacao',
  'descricao',
];

type Person = {
  document: string;
  name: string;
  email: string;
  phone: string;
  whatsapp: string;
  street: string;
  number: string;
  district: string;
  city: string;
  uf: string;
  cep: string;
  tags: string;
  /** How this debtor pays: 0 = always on time, 1 = never. */
  risk: number;
};

function weightedPlace(random: Random) {
  const total = PLACES.reduce((sum, p) => sum + p.weight, 0);
  let roll = random.next() * total;
  for (const place of PLACES) {
    roll -= place.weight;
    if (roll <= 0) return place;
  }
  return PLACES[0] as (typeof PLACES)[number];
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

function makeDebtor(random: Random, company: boolean, index: number, creditorKey: string): Person {
  const place = weightedPlace(random);
  const ddd = random.pick(place.ddd);
  const mobile = `+55${ddd}9${random.int(6, 9)}${random.digits(7)}`;
  let name: string;
  let document: string;
  if (company) {
    name = `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_NAMES)} ${random.pick(COMPANY_SUFFIX)}`;
    // Some companies already use the alphanumeric CNPJ (IN RFB 2.229/2024).
    const base = random.chance(0.1)
      ? `${random.int(10, 99)}${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}${random.digits(4)}0001`
      : `${random.digits(8)}0001`;
    document = cnpjFromBase(base);
  } else {
    name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)} ${random.pick(LAST_NAMES)}`;
    document = cpfFromBase(`${random.int(1, 9)}${random.digits(8)}`);
  }
  const tags: string[] = [];
  if (random.chance(0.08)) tags.push('vip');
  if (random.chance(0.15)) tags.push(company ? 'key-account' : 'recorrente');
  return {
    document,
    name,
    email: random.chance(0.9)
      ? `${slug(name).split('.').slice(0, 2).join('.')}${index}@${creditorKey}.example.com`
      : '',
    phone: random.chance(0.85) ? mobile : '',
    whatsapp: random.chance(0.7) ? mobile : '',
    street: random.pick(STREETS),
    number: String(random.int(1, 3000)),
    district: random.pick(DISTRICTS),
    city: place.city,
    uf: place.uf,
    cep: `${place.cep}${random.digits(6)}`,
    tags: tags.join(';'),
    risk: random.next() ** 1.6,
  };
}

function csvCell(value: string): string {
  return /[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A payment of a title's history: what was paid of it, and on which day. */
export type DemoPayment = { externalId: string; paidOn: CalendarDate; cents: number };

type Title = {
  externalId: string;
  document: string;
  installment: number | null;
  installments: number | null;
  issue: CalendarDate;
  due: CalendarDate;
  cents: number;
  description: string;
};

function titlesFor(
  spec: DemoCreditorSpec,
  random: Random,
  debtorCount: number,
  start: CalendarDate,
  asOf: CalendarDate,
) {
  const titles: { debtor: number; title: Title }[] = [];
  const used = new Set<string>();
  const days = Math.round((Date.parse(addDays(asOf, 45)) - Date.parse(start)) / 86_400_000);
  let n = 0;
  while (titles.length < spec.receivables) {
    const debtor = n % debtorCount;
    n++;
    const offset = random.int(0, days);
    const issue = addDays(start, offset);
    if (spec.kind === 'subscription') {
      const plan = random.pick([4990, 7990, 12990, 19990, 49990]);
      const months = random.int(1, 6);
      for (let m = 0; m < months && titles.length < spec.receivables; m++) {
        const monthIssue = addMonths(issue, m);
        if (monthIssue > addDays(asOf, 30)) break;
        const ref = monthIssue.slice(0, 7);
        const externalId = `ASS-${String(debtor + 1).padStart(5, '0')}-${ref}`;
        if (used.has(externalId)) continue;
        used.add(externalId);
        titles.push({
          debtor,
          title: {
            externalId,
            document: `FAT-${ref.replace('-', '')}-${String(debtor + 1).padStart(5, '0')}`,
            installment: null,
            installments: null,
            issue: monthIssue,
            due: addDays(monthIssue, 10),
            cents: plan,
            description: `Assinatura ${ref}`,
          },
        });
      }
    } else if (spec.kind === 'clinic') {
      const total = random.int(150, 3200) * 100 + random.pick([0, 50, 90]);
      const parts = random.pick([1, 1, 2, 3, 4, 6]);
      const doc = `OS-${String(n).padStart(6, '0')}`;
      const base = Math.floor(total / parts);
      for (let p = 1; p <= parts && titles.length < spec.receivables; p++) {
        titles.push({
          debtor,
          title: {
            externalId: `${doc}/${p}`,
            document: doc,
            installment: p,
            installments: parts,
            issue,
            due: addMonths(addDays(issue, 30), p - 1),
            cents: p === parts ? total - base * (parts - 1) : base,
            description: random.pick([
              'Consulta',
              'Exames laboratoriais',
              'Procedimento ambulatorial',
              'Fisioterapia',
              'Check-up',
            ]),
          },
        });
      }
    } else {
      const total = random.int(1_800, 85_000) * 100 + random.int(0, 99);
      const terms = random.pick([[28], [28, 56], [30, 60, 90], [21]]);
      const nf = `NF-${String(10_000 + n)}`;
      const base = Math.floor(total / terms.length);
      terms.forEach((term, i) => {
        if (titles.length >= spec.receivables) return;
        titles.push({
          debtor,
          title: {
            externalId: `${nf}-${i + 1}`,
            document: nf,
            installment: i + 1,
            installments: terms.length,
            issue,
            due: addDays(issue, term),
            cents: i === terms.length - 1 ? total - base * (terms.length - 1) : base,
            description: 'Venda de mercadorias',
          },
        });
      });
    }
  }
  return titles;
}

/**
 * The receivables file a client company would export from its ERP, for one demo creditor: debtors with
 * valid CPF/CNPJ and contacts, titles over the last 18 months with paid, partially paid, late and open
 * histories. The same seed and date give the same file.
 */
export function demoCsv(
  spec: DemoCreditorSpec,
  seed: number,
  asOf: CalendarDate,
): {
  csv: string;
  optOuts: { document: string; channel: string }[];
  /** When each title reported paid (or partly paid) was paid: the creditor's payment history. */
  payments: DemoPayment[];
} {
  const random = createRandom(
    seed ^ spec.key.split('').reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7),
  );
  const companyShare = spec.kind === 'distributor' ? 1 : spec.kind === 'clinic' ? 0.02 : 0.15;
  const people = Array.from({ length: spec.debtors }, (_, i) =>
    makeDebtor(random, random.chance(companyShare), i + 1, spec.key),
  );
  const start = addMonths(asOf, -18);
  const lines = [HEADER.join(';')];
  const payments: DemoPayment[] = [];
  for (const { debtor, title } of titlesFor(spec, random, people.length, start, asOf)) {
    const person = people[debtor] as Person;
    const overdueDays = Math.round((Date.parse(asOf) - Date.parse(title.due)) / 86_400_000);
    let open = title.cents;
    let situation = 'Em aberto';
    if (overdueDays > -15) {
      // The riskier the debtor and the older the title, the likelier it is still unpaid.
      const paidChance = overdueDays < 0 ? 0.25 : 1 - person.risk * (overdueDays > 90 ? 0.7 : 0.45) - 0.05;
      const roll = random.next();
      // When it was paid: reliable debtors around the due date, risky ones weeks or months late.
      const paidOn = addDays(
        title.due,
        Math.round(-4 + person.risk ** 2 * 160 * (0.25 + random.next() * 1.25) + random.int(0, 4)),
      );
      if (roll < paidChance + 0.08 && paidOn < asOf) {
        const partial = roll >= paidChance;
        open = partial ? Math.max(1, Math.round(title.cents * random.pick([0.3, 0.5, 0.7]))) : 0;
        situation = partial ? 'Parcial' : 'Pago';
        payments.push({ externalId: title.externalId, paidOn, cents: title.cents - open });
      }
    }
    if (overdueDays > 365 && open === title.cents && random.chance(0.05)) situation = 'Baixado';
    const cells = [
      title.externalId,
      title.document,
      title.installment === null ? '' : String(title.installment),
      title.installments === null ? '' : String(title.installments),
      person.document,
      person.name,
      person.email,
      person.phone,
      person.whatsapp,
      person.street,
      person.number,
      person.district,
      person.city,
      person.uf,
      person.cep,
      person.tags,
      formatBr(title.issue),
      formatBr(title.due),
      centsToDecimal(title.cents).replace('.', ','),
      centsToDecimal(open).replace('.', ','),
      situation,
      title.description,
    ];
    lines.push(cells.map(csvCell).join(';'));
  }
  const optOuts = people
    .filter(() => random.chance(0.03))
    .map((p) => ({ document: p.document, channel: random.pick(['sms', 'whatsapp', 'email']) }));
  return { csv: `${lines.join('\n')}\n`, optOuts, payments };
}

function formatBr(date: CalendarDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
