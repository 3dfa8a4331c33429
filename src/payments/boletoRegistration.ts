/**
 * Boleto registration: the boletos of agreements' payments are registered with the creditor's bank by a
 * CNAB 240 remessa (movement 01), and the boletos of payments that were cancelled (a broken or cancelled
 * agreement) are written off (movement 02). Each file takes the next NSA; a title goes in one file only.
 * Titles the bank would refuse (a debtor without a postal address, say) are reported and left for the
 * next file, once fixed.
 */
import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { todayIn } from '../shared/dates.ts';
import { badRequest, conflict, notFound } from '../shared/problem.ts';
import { buildRemessa240, type RemessaTitle } from './remessa.ts';

export type RemessaSummary = {
  id: number;
  nsa: number;
  filename: string;
  titles: number;
  totalCents: number;
  createdBy: string;
  createdAt: Date;
};

export type RemessaOutcome = RemessaSummary & {
  registered: number;
  writtenOff: number;
  refused: Array<{ seuNumero: string; problems: string[] }>;
};

/** "1234-5" → { number: '1234', digit: '5' }. */
function splitDigit(text: string | null): { number: string; digit: string } {
  const [number = '', digit = ''] = (text ?? '').replace(/\s/g, '').split('-');
  return { number: number.replace(/\D/g, ''), digit };
}

const basisPoints = (percent: string | null) =>
  percent === null ? 0 : Math.floor(Number(percent.replace(',', '.')) * 100 + 1e-9);

/** Generates the creditor's next remessa with every boleto waiting to be registered or written off. */
export async function generateRemessa(
  db: Database,
  scope: Scope,
  creditorId: number,
  now: Date = new Date(),
): Promise<RemessaOutcome> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  return withTenant(db, scope.orgId, async (tx) => {
    const [creditor] = await tx.query<{
      cnpj: string;
      name: string;
      agency: string | null;
      account: string | null;
      convenio: string | null;
      carteira: string | null;
      nsa: number;
      multaPercent: string;
      jurosMonthlyPercent: string | null;
      capCompanies: string;
    }>(
      `select cnpj, legal_name as name, boleto_agency as agency, boleto_account as account, boleto_convenio as convenio,
              boleto_carteira as carteira, remessa_next_nsa as nsa, multa_percent as "multaPercent",
              juros_monthly_percent as "jurosMonthlyPercent", multa_cap_percent_companies as "capCompanies"
         from creditors where org_id = $1 and id = $2 for update`,
      [scope.orgId, creditorId],
    );
    if (!creditor) throw notFound(`creditor ${creditorId}`);
    if (!creditor.convenio || !creditor.agency || !creditor.account)
      throw badRequest(
        'O credor não tem conta de cobrança configurada (agência, conta e convênio do Banco do Brasil).',
      );
    const rows = await tx.query<{
      agreementId: number;
      number: number;
      movement: '01' | '02';
      nossoNumero: string;
      seuNumero: string;
      dueDate: string;
      issueDate: string;
      amountCents: number;
      kind: 'person' | 'company';
      payer: {
        document: string;
        name: string;
        address: string;
        district: string;
        cep: string;
        city: string;
        uf: string;
      };
    }>(
      `select i.agreement_id as "agreementId", i.number,
              case when i.remessa_id is null then '01' else '02' end as movement,
              r.nosso_numero as "nossoNumero", r.document_number as "seuNumero", i.due_date::text as "dueDate",
              coalesce(r.issue_date, a.as_of)::text as "issueDate", i.amount_cents as "amountCents", d.kind,
              jsonb_build_object('document', d.document, 'name', d.name,
                'address', concat_ws(' ', d.street, d.number, d.complement), 'district', coalesce(d.district, ''),
                'cep', coalesce(d.cep, ''), 'city', coalesce(d.city, ''), 'uf', coalesce(d.uf, '')) as payer
         from agreement_installments i
         join agreements a on a.org_id = i.org_id and a.id = i.agreement_id
         join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
         join debtors d on d.org_id = a.org_id and d.id = a.debtor_id
        where i.org_id = $1 and a.creditor_id = $2 and r.nosso_numero is not null
          and ((i.remessa_id is null and r.status in ('open', 'partially_paid'))
            or (i.remessa_id is not null and i.baixa_remessa_id is null and r.status = 'cancelled'))
        order by i.agreement_id, i.number`,
      [scope.orgId, creditorId],
    );
    if (rows.length === 0) throw conflict('Não há boletos a registrar nem a baixar.');
    const agency = splitDigit(creditor.agency);
    const account = splitDigit(creditor.account);
    const multa = basisPoints(creditor.multaPercent);
    const titles: RemessaTitle[] = rows.map((r) => ({
      movement: r.movement,
      nossoNumero: r.nossoNumero,
      seuNumero: r.seuNumero,
      dueDate: r.dueDate,
      amountCents: r.amountCents,
      issueDate: r.issueDate <= r.dueDate ? r.issueDate : r.dueDate,
      interest:
        creditor.jurosMonthlyPercent === null
          ? undefined
          : { kind: 'monthlyRate', basisPoints: basisPoints(creditor.jurosMonthlyPercent) },
      // The consumer's multa is capped at 2% (CDC art. 52 §1); a company's at the creditor's cap.
      fine:
        multa > 0
          ? {
              kind: 'percent',
              basisPoints: Math.min(multa, r.kind === 'person' ? 200 : basisPoints(creditor.capCompanies)),
            }
          : undefined,
      payer: r.payer,
    }));
    const built = buildRemessa240({
      creditor: {
        bankCode: '001',
        document: creditor.cnpj,
        name: creditor.name,
        agency: agency.number,
        agencyDigit: agency.digit,
        account: account.number,
        accountDigit: account.digit,
        convenio: creditor.convenio,
        carteira: creditor.carteira ?? '17',
        carteiraVariation: '019',
        walletCode: (creditor.carteira ?? '17') === '17' ? '7' : '1',
        maxFineBasisPoints: Math.max(200, basisPoints(creditor.capCompanies)),
      },
      titles,
      nsa: creditor.nsa,
      generatedAt: now,
      timeZone: scope.timeZone,
    });
    if (!built.ok)
      throw badRequest(
        `Nenhum boleto pôde entrar na remessa: ${[...built.problems, ...built.refused.flatMap((r) => r.problems)].join(' ')}`,
      );
    const accepted = new Set(built.accepted.map((t) => `${t.movement}:${t.seuNumero}`));
    const today = todayIn(scope.timeZone);
    const filename = `CB${today.slice(8, 10)}${today.slice(5, 7)}${String(creditor.nsa).padStart(6, '0')}.REM`;
    const [file] = await tx.query<RemessaSummary>(
      `insert into remessa_files (org_id, creditor_id, nsa, filename, content, titles, total_cents, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning id, nsa, filename, titles, total_cents as "totalCents", created_by as "createdBy", created_at as "createdAt"`,
      [
        scope.orgId,
        creditorId,
        creditor.nsa,
        filename,
        built.text,
        built.accepted.length,
        built.totals.totalCents,
        scope.actor,
      ],
    );
    if (!file) throw new Error('remessa insert returned nothing');
    let registered = 0;
    let writtenOff = 0;
    for (const r of rows) {
      if (!accepted.has(`${r.movement}:${r.seuNumero}`)) continue;
      const column = r.movement === '01' ? 'remessa_id' : 'baixa_remessa_id';
      await tx.query(
        `update agreement_installments set ${column} = $4 where org_id = $1 and agreement_id = $2 and number = $3`,
        [scope.orgId, r.agreementId, r.number, file.id],
      );
      if (r.movement === '01') registered++;
      else writtenOff++;
    }
    await tx.query(
      'update creditors set remessa_next_nsa = remessa_next_nsa + 1 where org_id = $1 and id = $2',
      [scope.orgId, creditorId],
    );
    const refused = built.refused.map((r) => ({ seuNumero: r.seuNumero, problems: r.problems }));
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'boletos.remessa',
      entity: 'remessa_files',
      entityId: file.id,
      after: { nsa: file.nsa, registered, writtenOff, refused: refused.length, totalCents: file.totalCents },
    });
    return { ...file, registered, writtenOff, refused };
  });
}

/** The creditor's remessa files, newest first. */
export async function listRemessas(
  db: Database,
  scope: Scope,
  creditorId: number,
  /** Keyset for exports: the files older than this id, `limit` at a time (the list shows the last 100). */
  page: { before?: number; limit?: number } = {},
): Promise<RemessaSummary[]> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<RemessaSummary>(
      `select id, nsa, filename, titles, total_cents as "totalCents", created_by as "createdBy", created_at as "createdAt"
         from remessa_files where org_id = $1 and creditor_id = $2 and ($3::bigint is null or id < $3)
        order by id desc limit $4`,
      [scope.orgId, creditorId, page.before ?? null, page.limit ?? 100],
    ),
  );
}

/** One remessa file's content, to send to the bank (its download is audited). */
export async function remessaFile(
  db: Database,
  scope: Scope,
  id: number,
): Promise<{ filename: string; content: string }> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [row] = await tx.query<{ filename: string; content: string; creditorId: number }>(
      'select filename, content, creditor_id as "creditorId" from remessa_files where org_id = $1 and id = $2',
      [scope.orgId, id],
    );
    if (!row || !canSeeCreditor(scope, row.creditorId)) throw notFound(`remessa ${id}`);
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'export.remessa',
      entity: 'remessa_files',
      entityId: id,
    });
    return { filename: row.filename, content: row.content };
  });
}
