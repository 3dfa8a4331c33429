import { afterAll, beforeAll } from 'vitest';
import { addMember, createOrganization } from '../../src/access/accounts.ts';
import { type Scope, scopeFor } from '../../src/access/scope.ts';
import type { Database } from '../../src/db/client.ts';
import { createImport, runImport } from '../../src/imports/run.ts';
import { createCreditor } from '../../src/portfolio/creditors.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const PASSWORD = 'test-password-1';

export type Seeded = {
  a: { scope: Scope; creditorId: number; otherCreditorId: number };
  b: { scope: Scope; creditorId: number };
  users: { manager: string; client: string; collector: string; otherOrg: string };
};

export function bytesOf(
  text: string,
  encoding: BufferEncoding | 'latin1' = 'utf8',
): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield Buffer.from(text, encoding);
  })();
}

/** Imports CSV text straight through the import use case; returns the finished import. */
export async function importCsv(
  db: Database,
  scope: Scope,
  creditorId: number,
  csv: string | Buffer,
  mapping?: Record<string, string>,
) {
  const bytes = typeof csv === 'string' ? Buffer.from(csv) : csv;
  const id = await createImport(db, scope, {
    creditorId,
    source: 'csv',
    filename: 'test.csv',
    totalBytes: bytes.byteLength,
    mapping,
  });
  return runImport(db, scope, id, {
    format: 'csv',
    mapping,
    bytes: (async function* () {
      yield bytes;
    })(),
  });
}

export const SAMPLE_CSV = `id;documento;cpf_cnpj;nome;email;telefone;uf;emissao;vencimento;valor;saldo
T-1;NF-100;529.982.247-25;Maria da Silva;maria@example.com;(11) 98765-4321;SP;01/01/2026;31/01/2026;1.234,56;1.234,56
T-2;NF-101;529.982.247-25;Maria da Silva;;;SP;01/02/2026;28/02/2026;500,00;200,00
T-3;NF-102;11.222.333/0001-81;Padaria Estrela Ltda;fin@padaria.example.com;(21) 3333-4444;RJ;2026-03-01;2026-03-31;10000.00;10000.00
`;

/**
 * Two organizations, as every test seed must have: `a` with two creditors and a small portfolio in the
 * first, `b` with one creditor holding the same CPF, so a missing tenant filter shows up.
 */
export async function seedTwoOrganizations(db: Database): Promise<Seeded> {
  const orgA = await createOrganization(db, { slug: 'alfa', name: 'Alfa BPO' });
  const orgB = await createOrganization(db, { slug: 'beta', name: 'Beta Cobranças' });
  const scopeA = scopeFor({
    orgId: orgA.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: orgA.timeZone,
  });
  const scopeB = scopeFor({
    orgId: orgB.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: orgB.timeZone,
  });
  const credA = await createCreditor(db, scopeA, {
    cnpj: '11.222.333/0001-81',
    legalName: 'Cliente Um Ltda',
    tradeName: 'Cliente Um',
    segment: 'saas',
    address: { street: 'Rua A', number: '1', city: 'São Paulo', uf: 'SP', cep: '01001000' },
  });
  const credA2 = await createCreditor(db, scopeA, {
    cnpj: '12.ABC.345/01DE-35',
    legalName: 'Cliente Dois SA',
    tradeName: null,
    segment: null,
  });
  const credB = await createCreditor(db, scopeB, {
    cnpj: '11.222.333/0001-81',
    legalName: 'Cliente da Beta Ltda',
    tradeName: null,
    segment: null,
  });
  await importCsv(db, scopeA, credA.id, SAMPLE_CSV);
  await importCsv(
    db,
    scopeA,
    credA2.id,
    'id;cpf_cnpj;nome;vencimento;valor\nD-1;390.533.447-05;José Dois;10/01/2026;99,90\n',
  );
  await importCsv(
    db,
    scopeB,
    credB.id,
    'id;cpf_cnpj;nome;vencimento;valor\nB-1;529.982.247-25;Maria na Beta;10/01/2026;77,00\n',
  );
  await addMember(db, {
    orgId: orgA.id,
    email: 'manager@alfa.test',
    name: 'Manager Alfa',
    password: PASSWORD,
    role: 'manager',
  });
  await addMember(db, {
    orgId: orgA.id,
    email: 'collector@alfa.test',
    name: 'Collector Alfa',
    password: PASSWORD,
    role: 'collector',
  });
  await addMember(db, {
    orgId: orgA.id,
    email: 'client@alfa.test',
    name: 'Client Um',
    password: PASSWORD,
    role: 'client_viewer',
    creditorIds: [credA.id],
  });
  await addMember(db, {
    orgId: orgB.id,
    email: 'admin@beta.test',
    name: 'Admin Beta',
    password: PASSWORD,
    role: 'admin',
  });
  return {
    a: { scope: scopeA, creditorId: credA.id, otherCreditorId: credA2.id },
    b: { scope: scopeB, creditorId: credB.id },
    users: {
      manager: 'manager@alfa.test',
      client: 'client@alfa.test',
      collector: 'collector@alfa.test',
      otherOrg: 'admin@beta.test',
    },
  };
}

/**
 * A fresh, migrated database with the two-organization seed for the test file that calls it, dropped
 * when the file ends. Read `db` and `seeded` inside tests (they exist once beforeAll has run).
 */
export function seededDatabaseForFile(): { readonly db: Database; readonly seeded: Seeded } {
  let test: TestDatabase | null = null;
  let seeded: Seeded | null = null;
  beforeAll(async () => {
    test = await createTestDatabase();
    seeded = await seedTwoOrganizations(test.db);
  });
  afterAll(() => test?.drop());
  return {
    get db() {
      if (!test) throw new Error('seededDatabaseForFile: read db inside a test');
      return test.db;
    },
    get seeded() {
      if (!seeded) throw new Error('seededDatabaseForFile: read seeded inside a test');
      return seeded;
    },
  };
}
