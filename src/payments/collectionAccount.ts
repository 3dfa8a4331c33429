/**
 * A creditor's collection account: the Banco do Brasil convênio its agreements' boletos are issued under,
 * and the Pix PSP (API Pix) that registers their `cobv` charges. The PSP's client secret is encrypted at
 * rest with REGUA_SECRET_KEY and never returned.
 *
 * With a PSP, each agreement payment gets a txid when the agreement is made; the `cobv` is registered
 * right after (and retried by the scheduler until the PSP takes it). Until then the payment shows its
 * boleto only; a static Pix is used only when there is no PSP.
 */
import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import { decryptSecret, encryptSecret } from '../shared/secrets.ts';
import { cobvFromTerms, createPspClient, type PspClient, PspError, PspInputError } from './psp.ts';

export type CollectionAccount = {
  boleto: { agency: string; account: string; convenio: string; carteira: string } | null;
  psp: { url: string; clientId: string; hasSecret: boolean } | null;
};

export type CollectionAccountInput = {
  boleto: { agency: string; account: string; convenio: string; carteira: string } | null;
  psp: { url: string; clientId: string; clientSecret?: string } | null;
};

export async function getCollectionAccount(
  db: Database,
  scope: Scope,
  creditorId: number,
): Promise<CollectionAccount> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{
      agency: string | null;
      account: string | null;
      convenio: string | null;
      carteira: string | null;
      url: string | null;
      clientId: string | null;
      secret: string | null;
    }>(
      `select boleto_agency as agency, boleto_account as account, boleto_convenio as convenio,
              boleto_carteira as carteira, psp_url as url, psp_client_id as "clientId", psp_client_secret as secret
         from creditors where org_id = $1 and id = $2`,
      [scope.orgId, creditorId],
    ),
  );
  if (!row) throw notFound(`creditor ${creditorId}`);
  return {
    boleto:
      row.convenio && row.agency && row.account
        ? { agency: row.agency, account: row.account, convenio: row.convenio, carteira: row.carteira ?? '17' }
        : null,
    psp:
      row.url && row.clientId
        ? { url: row.url, clientId: row.clientId, hasSecret: row.secret !== null }
        : null,
  };
}

/** Sets the account, refusing what the bank or the PSP would refuse, with every problem in pt-BR. */
export async function setCollectionAccount(
  db: Database,
  scope: Scope,
  creditorId: number,
  input: CollectionAccountInput,
  secretKey: Buffer | null,
): Promise<CollectionAccount> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const problems: string[] = [];
  const b = input.boleto;
  if (b) {
    if (!/^\d{1,5}-[\dXx]$/.test(b.agency.trim())) problems.push('Agência inválida: use o formato 1234-5.');
    if (!/^\d{1,12}-[\dXx]$/.test(b.account.trim())) problems.push('Conta inválida: use o formato 12345-6.');
    if (!/^\d{7}$/.test(b.convenio.trim())) problems.push('O convênio do Banco do Brasil tem 7 dígitos.');
    if (!/^\d{2}$/.test(b.carteira.trim())) problems.push('A carteira tem 2 dígitos (ex.: 17).');
  }
  const p = input.psp;
  if (p) {
    let url: URL | null = null;
    try {
      url = new URL(p.url);
    } catch {
      problems.push('O endereço do PSP não é uma URL válida.');
    }
    if (url && url.protocol !== 'https:' && !['127.0.0.1', 'localhost'].includes(url.hostname))
      problems.push('O endereço do PSP deve usar https.');
    if (!p.clientId.trim()) problems.push('Informe o client_id do PSP.');
    if (p.clientSecret !== undefined && !secretKey)
      problems.push('Defina REGUA_SECRET_KEY para guardar o segredo do PSP.');
  }
  if (problems.length > 0) throw badRequest(problems.join(' '));
  return withTenant(db, scope.orgId, async (tx) => {
    const [before] = await tx.query<{ secret: string | null }>(
      'select psp_client_secret as secret from creditors where org_id = $1 and id = $2 for update',
      [scope.orgId, creditorId],
    );
    if (!before) throw notFound(`creditor ${creditorId}`);
    const secret = p
      ? p.clientSecret !== undefined && secretKey
        ? encryptSecret(p.clientSecret, secretKey)
        : before.secret
      : null;
    await tx.query(
      `update creditors set boleto_agency = $3, boleto_account = $4, boleto_convenio = $5, boleto_carteira = $6,
              psp_url = $7, psp_client_id = $8, psp_client_secret = $9, updated_at = now()
        where org_id = $1 and id = $2`,
      [
        scope.orgId,
        creditorId,
        b?.agency.trim() ?? null,
        b?.account.trim() ?? null,
        b?.convenio.trim() ?? null,
        b?.carteira.trim() ?? null,
        p?.url.trim().replace(/\/$/, '') ?? null,
        p?.clientId.trim() ?? null,
        secret,
      ],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'settings.collection_account',
      entity: 'creditor',
      entityId: creditorId,
      // The secret itself is never written to the audit trail.
      after: {
        boleto: b,
        psp: p ? { url: p.url, clientId: p.clientId, secretChanged: p.clientSecret !== undefined } : null,
      },
    });
    return {
      boleto: b ? { ...b } : null,
      psp: p
        ? { url: p.url.trim().replace(/\/$/, ''), clientId: p.clientId.trim(), hasSecret: secret !== null }
        : null,
    };
  });
}

const clients = new Map<string, PspClient>();

/** One client per PSP account and secret, so its OAuth token is reused across calls. */
function clientFor(url: string, clientId: string, clientSecret: string): PspClient {
  const key = `${url}\n${clientId}\n${clientSecret}`;
  let client = clients.get(key);
  if (!client) {
    client = createPspClient({ baseUrl: url, clientId, clientSecret });
    clients.set(key, client);
  }
  return client;
}

export type ChargeRegistration = { registered: number; failed: Array<{ txid: string; error: string }> };

/**
 * Registers with the PSP the `cobv` of every open agreement payment that has a txid and no copia-e-cola
 * yet (PUT is idempotent by txid, so a retry after a lost answer makes no second charge).
 */
export async function registerPendingCharges(
  db: Database,
  orgId: number,
  secretKey: Buffer | null,
  filter: { agreementId?: number } = {},
): Promise<ChargeRegistration> {
  const result: ChargeRegistration = { registered: 0, failed: [] };
  if (!secretKey) return result;
  const pending = await withTenant(db, orgId, (tx) =>
    tx.query<{
      agreementId: number;
      number: number;
      txid: string;
      amountCents: number;
      dueDate: string;
      debtor: { document: string; name: string; kind: 'person' | 'company' };
      chave: string | null;
      url: string;
      clientId: string;
      secret: string | null;
      multaPercent: string;
      jurosMonthlyPercent: string | null;
      capCompanies: string;
    }>(
      `select i.agreement_id as "agreementId", i.number, i.psp_txid as txid, i.amount_cents as "amountCents",
              i.due_date::text as "dueDate",
              jsonb_build_object('document', d.document, 'name', d.name, 'kind', d.kind) as debtor,
              c.pix_key as chave, c.psp_url as url, c.psp_client_id as "clientId", c.psp_client_secret as secret,
              c.multa_percent as "multaPercent", c.juros_monthly_percent as "jurosMonthlyPercent",
              c.multa_cap_percent_companies as "capCompanies"
         from agreement_installments i
         join agreements a on a.org_id = i.org_id and a.id = i.agreement_id
         join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
         join debtors d on d.org_id = a.org_id and d.id = a.debtor_id
         join creditors c on c.org_id = a.org_id and c.id = a.creditor_id
        where i.org_id = $1 and i.psp_txid is not null and i.pix_copia_e_cola is null
          and r.status in ('open', 'partially_paid') and c.psp_url is not null
          and ($2::bigint is null or i.agreement_id = $2)
        order by i.agreement_id, i.number limit 500`,
      [orgId, filter.agreementId ?? null],
    ),
  );
  for (const p of pending) {
    try {
      if (!p.secret || !p.chave) throw new Error('o credor não tem segredo do PSP ou chave Pix');
      const cap = p.debtor.kind === 'person' ? '2' : p.capCompanies;
      const multa = Number(p.multaPercent) > Number(cap) ? cap : p.multaPercent;
      const cobv = await clientFor(p.url, p.clientId, decryptSecret(p.secret, secretKey)).createCobv(
        p.txid,
        cobvFromTerms({
          amountCents: p.amountCents,
          dueDate: p.dueDate,
          debtor: p.debtor,
          chave: p.chave,
          terms: { multaPercent: multa, jurosMonthlyPercent: p.jurosMonthlyPercent ?? '0' },
          solicitacaoPagador: `Acordo nº ${p.agreementId}, pagamento ${p.number}`,
        }),
      );
      await withTenant(db, orgId, (tx) =>
        tx.query(
          `update agreement_installments set pix_copia_e_cola = $4
            where org_id = $1 and agreement_id = $2 and number = $3`,
          [orgId, p.agreementId, p.number, cobv.pixCopiaECola ?? null],
        ),
      );
      result.registered++;
    } catch (error) {
      const message =
        error instanceof PspError || error instanceof PspInputError || error instanceof Error
          ? error.message
          : String(error);
      result.failed.push({ txid: p.txid, error: message });
    }
  }
  return result;
}

/** Asks the PSP to remove the `cobv` charges of payments an agreement no longer expects (best effort). */
export async function cancelCancelledCharges(
  db: Database,
  orgId: number,
  secretKey: Buffer | null,
  agreementId: number,
): Promise<number> {
  if (!secretKey) return 0;
  const rows = await withTenant(db, orgId, (tx) =>
    tx.query<{ txid: string; url: string; clientId: string; secret: string | null }>(
      `select i.psp_txid as txid, c.psp_url as url, c.psp_client_id as "clientId", c.psp_client_secret as secret
         from agreement_installments i
         join agreements a on a.org_id = i.org_id and a.id = i.agreement_id
         join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
         join creditors c on c.org_id = a.org_id and c.id = a.creditor_id
        where i.org_id = $1 and i.agreement_id = $2 and i.psp_txid is not null and i.pix_copia_e_cola is not null
          and r.status = 'cancelled' and c.psp_url is not null`,
      [orgId, agreementId],
    ),
  );
  let cancelled = 0;
  for (const r of rows) {
    if (!r.secret) continue;
    try {
      await clientFor(r.url, r.clientId, decryptSecret(r.secret, secretKey)).cancelCobv(r.txid);
      cancelled++;
    } catch {
      // A charge left at the PSP can still be paid: the payment then goes to the originals, which are back.
    }
  }
  return cancelled;
}
