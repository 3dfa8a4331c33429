import PDFDocument from 'pdfkit';
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { formatBrDate, formatDocument } from '../dunning/templates.ts';
import { guardFormula } from '../shared/csvExport.ts';
import type { CalendarDate } from '../shared/dates.ts';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';

/**
 * Letters printed and mailed by the BPO: a letter is "sent" when it joins the day's print batch, the
 * evidence the legal gate counts from (mail the batch the same day). The PDF is made from the stored,
 * rendered message, so a reprint is identical to the original.
 */
export function printChannel(options: { costCents?: number } = {}): Channel {
  return {
    id: 'print',
    async send(messages: OutgoingMessage[]): Promise<SendResult[]> {
      return messages.map((m) =>
        m.to
          ? {
              ok: true,
              providerMessageId: `letter-${m.orgId}-${m.id}`,
              costCents: options.costCents ?? 0,
              status: 'sent',
            }
          : { ok: false, permanent: true, error: 'no postal address' },
      );
    },
  };
}

export type Letter = {
  messageId: number;
  debtorId: number;
  provider: string | null;
  purpose: string;
  sentAt: Date;
  subject: string | null;
  body: string;
  debtor: {
    name: string;
    document: string;
    street: string | null;
    number: string | null;
    complement: string | null;
    district: string | null;
    city: string | null;
    uf: string | null;
    cep: string | null;
  };
  creditor: { name: string; cnpj: string; address: string | null };
  city: string | null;
};

/** The letters sent on a date (in the organization's time zone), ready to print. */
export async function lettersOf(
  db: Database,
  scope: Scope,
  filter: { date?: CalendarDate; creditorId?: number; messageId?: number },
): Promise<Letter[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<Letter>(
      `select m.id as "messageId", m.debtor_id as "debtorId", m.provider, m.purpose, m.sent_at as "sentAt", m.subject, m.body,
              jsonb_build_object('name', d.name, 'document', d.document, 'street', d.street, 'number', d.number,
                'complement', d.complement, 'district', d.district, 'city', d.city, 'uf', d.uf, 'cep', d.cep) as debtor,
              jsonb_build_object('name', c.legal_name, 'cnpj', c.cnpj,
                'address', nullif(concat_ws(', ', nullif(concat_ws(' ', c.street, c.number), ''), c.district,
                  nullif(concat_ws('/', c.city, c.uf), ''), c.cep), '')) as creditor,
              c.city
         from outbound_messages m
         join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
         join creditors c on c.org_id = m.org_id and c.id = m.creditor_id
        where m.org_id = $1 and m.channel = 'letter' and m.status in ('sent', 'delivered', 'read') and m.body is not null
          and ($2::bigint[] is null or m.creditor_id = any($2))
          and ($3::date is null or (m.sent_at at time zone $4)::date = $3)
          and ($5::bigint is null or m.creditor_id = $5)
          and ($6::bigint is null or m.id = $6)
        order by d.cep nulls last, m.id`,
      [
        scope.orgId,
        scope.creditorIds,
        filter.date ?? null,
        scope.timeZone,
        filter.creditorId ?? null,
        filter.messageId ?? null,
      ],
    ),
  );
}

const cep = (value: string | null) =>
  value && /^\d{8}$/.test(value) ? `${value.slice(0, 5)}-${value.slice(5)}` : (value ?? '');

function addressLines(d: Letter['debtor']): string[] {
  return [
    [d.street, d.number].filter(Boolean).join(', ') + (d.complement ? ` - ${d.complement}` : ''),
    d.district ?? '',
    [d.city, d.uf].filter(Boolean).join(' - '),
    cep(d.cep) ? `CEP ${cep(d.cep)}` : '',
  ].filter((l) => l.trim() !== '');
}

/**
 * One PDF with every letter, each starting on its own page: the creditor's identification at the top
 * (CDC art. 42-A), the addressee block for a window envelope, the date, the subject and the text with its
 * itemized debt, and a reference to the message for the evidence.
 */
export function lettersPdf(letters: Letter[], timeZone: string): NodeJS.ReadableStream {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 64, right: 64 },
    autoFirstPage: false,
  });
  doc.info.Title = letters.length === 1 ? 'Carta de cobrança' : `Cartas de cobrança (${letters.length})`;
  doc.info.Creator = 'Régua';
  for (const letter of letters) {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(13).text(letter.creditor.name);
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor('#444')
      .text(`CNPJ ${formatDocument(letter.creditor.cnpj)}`);
    if (letter.creditor.address) doc.text(letter.creditor.address);
    doc.fillColor('black').moveDown(2);
    doc.fontSize(11).font('Helvetica-Bold').text(letter.debtor.name);
    doc
      .font('Helvetica')
      .text(
        `${letter.debtor.document.length === 11 ? 'CPF' : 'CNPJ'} ${formatDocument(letter.debtor.document)}`,
      );
    for (const line of addressLines(letter.debtor)) doc.text(line);
    doc.moveDown(2);
    const date = new Intl.DateTimeFormat('en-CA', { timeZone }).format(letter.sentAt);
    doc.text(`${letter.city ? `${letter.city}, ` : ''}${formatBrDate(date)}`, { align: 'right' });
    doc.moveDown();
    if (letter.subject) doc.font('Helvetica-Bold').text(letter.subject).font('Helvetica').moveDown();
    doc.fontSize(11).text(letter.body, { align: 'left', lineGap: 2 });
    doc.moveDown(2);
    doc
      .fontSize(8)
      .fillColor('#666')
      .text(
        `Documento ${letter.messageId}${letter.purpose === 'prior_notice' ? ' · notificação prévia (CDC art. 43, § 2º)' : ''} · emitido por Régua em nome de ${letter.creditor.name}.`,
      )
      .fillColor('black');
  }
  if (letters.length === 0) {
    doc.addPage();
    doc.fontSize(12).text('Nenhuma carta para esta data.');
  }
  doc.end();
  return doc;
}

/** The mailing manifest: one line per letter, for the post office or the printing house. */
export function lettersManifest(letters: Letter[]): string {
  // Quoted always; a name like `=HYPERLINK(...)` gets the formula guard (see src/shared/csvExport.ts).
  const field = (v: string | null | undefined) => `"${guardFormula(v ?? '').replace(/"/g, '""')}"`;
  const lines = letters.map((l) =>
    [
      String(l.messageId),
      l.debtor.name,
      formatDocument(l.debtor.document),
      [l.debtor.street, l.debtor.number, l.debtor.complement].filter(Boolean).join(' '),
      l.debtor.district,
      l.debtor.city,
      l.debtor.uf,
      cep(l.debtor.cep),
      l.purpose === 'prior_notice' ? 'notificação prévia' : 'cobrança',
    ]
      .map(field)
      .join(';'),
  );
  return `${['documento', 'destinatario', 'cpf_cnpj', 'endereco', 'bairro', 'cidade', 'uf', 'cep', 'tipo'].join(';')}\r\n${lines.join('\r\n')}\r\n`;
}

/** Records in the audit trail that letters (personal data) were exported. */
export async function auditLetterExport(
  db: Database,
  scope: Scope,
  what: { date?: CalendarDate; messageId?: number; count: number; format: string },
) {
  await withTenant(db, scope.orgId, (tx) =>
    appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'export.letters',
      entity: 'letters',
      entityId: what.date ?? what.messageId ?? null,
      after: what,
    }),
  );
}
