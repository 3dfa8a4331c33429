import type { Database } from '../db/client.ts';
import { formatBrDate, formatBrlText, formatDocument } from '../dunning/templates.ts';
import { creditorPix } from '../payments/pix.ts';
import { daysBetween } from '../shared/dates.ts';

/** What the assistant knows about the person writing: their open debts, by creditor. */
export type ConversationDebts = Array<{
  debtorId: number;
  creditorId: number;
  creditor: string;
  cnpj: string;
  firstName: string;
  receivables: Array<{ label: string; dueDate: string; openCents: number }>;
  /** The Pix copia-e-cola for this debt's open total, when the creditor has a Pix key. */
  pix?: string | null;
}>;

export type ConversationState = 'menu' | 'closed';

export type ConversationTurn = {
  state: ConversationState;
  replies: string[];
  /** A person must follow up: the reason goes to the collectors' worklist. */
  handOff: { reason: 'agreement' | 'person' | 'payment_data'; note: string } | null;
};

const normalize = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toUpperCase()
    .replace(/[.!?]+$/, '');

function menu(firstName: string | null, creditors: string[]): string {
  const who = creditors.length === 1 ? ` de ${creditors[0]}` : '';
  return [
    `Olá${firstName ? `, ${firstName}` : ''}! Sou o assistente de cobrança${who}. Responda com o número da opção:`,
    '1 - Ver meus débitos',
    '2 - Receber os dados para pagamento (Pix ou boleto)',
    '3 - Quero fazer um acordo',
    '4 - Falar com uma pessoa',
    'SAIR - Não receber mais mensagens por aqui',
  ].join('\n');
}

function debtsText(debts: ConversationDebts, asOf: string): string {
  const blocks = debts
    .filter((d) => d.receivables.length > 0)
    .map((d) => {
      const lines = d.receivables.map((r) => {
        const late = daysBetween(r.dueDate, asOf);
        return `- ${r.label}: ${formatBrlText(r.openCents)}, vencimento ${formatBrDate(r.dueDate)}${late > 0 ? ` (${late} dias em atraso)` : ''}`;
      });
      const total = d.receivables.reduce((sum, r) => sum + r.openCents, 0);
      return `${d.creditor} (CNPJ ${formatDocument(d.cnpj)}):\n${lines.join('\n')}\nTotal: ${formatBrlText(total)}`;
    });
  if (blocks.length === 0) return 'Não encontramos débitos em aberto. Obrigado!';
  return `${blocks.join('\n\n')}\n\nPara pagar ou negociar, responda 2 ou 3. Para ver as opções, responda MENU.`;
}

/**
 * One turn of the WhatsApp self-service conversation in pt-BR, a pure function of what the person
 * wrote and what we know about them. Unexpected input gets the menu again, never a dead end; asking
 * for an agreement, the payment data (not generated here yet) or a person hands off to a collector.
 * Only called for a number that belongs to a debtor: an unknown number gets no answer, and so no
 * information about anyone's debts.
 */
export function converse(input: { text: string; debts: ConversationDebts; asOf: string }): ConversationTurn {
  const { debts } = input;
  const word = normalize(input.text);
  const firstName = debts[0]?.firstName ?? null;
  const creditors = [...new Set(debts.map((d) => d.creditor))];
  if (['1', 'DEBITOS', 'VER DEBITOS', 'MEUS DEBITOS', 'SALDO'].includes(word))
    return { state: 'menu', replies: [debtsText(debts, input.asOf)], handOff: null };
  if (['2', 'PIX', 'BOLETO', 'PAGAR', 'PAGAMENTO', 'LINHA DIGITAVEL'].includes(word)) {
    const payable = debts.filter((d) => d.receivables.length > 0 && d.pix);
    if (payable.length > 0 && payable.length === debts.filter((d) => d.receivables.length > 0).length) {
      return {
        state: 'menu',
        replies: payable.map((d) => {
          const total = d.receivables.reduce((sum, r) => sum + r.openCents, 0);
          return `Pix para pagar ${formatBrlText(total)} a ${d.creditor} (CNPJ ${formatDocument(d.cnpj)}). Copie o código abaixo e cole no app do seu banco, em "Pix copia e cola":\n\n${d.pix}`;
        }),
        handOff: null,
      };
    }
    return {
      state: 'menu',
      replies: [
        'Um atendente vai te enviar por aqui os dados para pagamento (Pix copia e cola ou linha digitável do boleto) em instantes.',
      ],
      handOff: {
        reason: 'payment_data',
        note: 'Pediu os dados para pagamento (Pix ou boleto) pelo WhatsApp.',
      },
    };
  }
  if (['3', 'ACORDO', 'NEGOCIAR', 'PARCELAR', 'PARCELAMENTO'].includes(word))
    return {
      state: 'menu',
      replies: [
        'Certo! Um atendente vai falar com você em breve para montar um acordo que caiba no seu bolso.',
      ],
      handOff: { reason: 'agreement', note: 'Pediu um acordo pelo WhatsApp.' },
    };
  if (['4', 'ATENDENTE', 'PESSOA', 'HUMANO', 'FALAR COM ALGUEM'].includes(word))
    return {
      state: 'menu',
      replies: ['Um atendente vai falar com você por aqui em breve, no horário comercial.'],
      handOff: { reason: 'person', note: 'Pediu para falar com uma pessoa pelo WhatsApp.' },
    };
  return { state: 'menu', replies: [menu(firstName, creditors)], handOff: null };
}

/** What the person owes, across the organization's creditors, found by the number they wrote from. */
export async function debtsByNumber(db: Database, orgId: number, phone: string): Promise<ConversationDebts> {
  const rows = await db.query<
    ConversationDebts[number] & { pixKey: string | null; pixName: string; pixCity: string | null }
  >(
    `select d.id as "debtorId", d.creditor_id as "creditorId", coalesce(c.trade_name, c.legal_name) as creditor,
            c.cnpj, initcap(split_part(d.name, ' ', 1)) as "firstName", c.pix_key as "pixKey",
            coalesce(c.pix_merchant_name, c.trade_name, c.legal_name) as "pixName", coalesce(c.pix_city, c.city) as "pixCity",
            coalesce((select jsonb_agg(jsonb_build_object('label', coalesce(r.document_number, r.external_id),
                        'dueDate', r.due_date, 'openCents', r.open_cents) order by r.due_date)
                        from receivables r where r.org_id = d.org_id and r.debtor_id = d.id
                         and r.status in ('open', 'partially_paid') and r.open_cents > 0), '[]') as receivables
       from debtors d join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
      where d.org_id = $1 and (d.whatsapp = $2 or $2 = any(d.phones))
        and (d.channel_preferences -> 'whatsapp' ->> 'optedOutAt') is null
      order by d.id`,
    [orgId, phone],
  );
  return rows.map(({ pixKey, pixName, pixCity, ...debt }) => ({
    ...debt,
    pix: creditorPix(
      { pixKey, name: pixName, city: pixCity },
      debt.receivables.reduce((sum, r) => sum + r.openCents, 0),
      `RG${debt.debtorId}P`,
    ),
  }));
}
