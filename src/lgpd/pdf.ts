import PDFDocument from 'pdfkit';
import { formatBrlText, formatDocument } from '../dunning/templates.ts';
import { type Factor, nameFactors } from '../scoring/factors.ts';
import type { SubjectExport } from './export.ts';

const when = (value: unknown) =>
  value instanceof Date
    ? new Intl.DateTimeFormat('pt-BR', {
        dateStyle: 'short',
        timeStyle: 'short',
        timeZone: 'America/Sao_Paulo',
      }).format(value)
    : value === null || value === undefined
      ? '-'
      : String(value);

/**
 * The access request's answer as a PDF a person can read (LGPD art. 19: in a clear and complete form):
 * per controller, the record, the debts, the contacts made, the holds, the calls and the consent ledger.
 */
export function subjectExportPdf(data: SubjectExport): NodeJS.ReadableStream {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 56, bottom: 56, left: 56, right: 56 } });
  doc.info.Title = `Dados pessoais de ${formatDocument(data.subject.document)}`;
  doc.font('Helvetica-Bold').fontSize(16).text('Relatório de dados pessoais (LGPD, art. 18)');
  doc.font('Helvetica').fontSize(10).fillColor('#444');
  doc.text(
    `Titular: ${data.subject.kind === 'person' ? 'CPF' : 'CNPJ'} ${formatDocument(data.subject.document)}`,
  );
  doc.text(`Operador: ${data.organization.name} · gerado em ${when(new Date(data.generatedAt))}`);
  doc.fillColor('black').moveDown();
  if (data.controllers.length === 0)
    doc.text('Nenhum dado pessoal deste titular é mantido por esta organização.');
  for (const c of data.controllers) {
    doc
      .moveDown()
      .font('Helvetica-Bold')
      .fontSize(13)
      .text(`Controlador: ${c.creditor.legalName} (CNPJ ${formatDocument(c.creditor.cnpj)})`);
    doc.font('Helvetica').fontSize(10);
    const d = c.debtor;
    const emails = Array.isArray(d.emails) ? (d.emails as string[]).join(', ') : '';
    const phones = Array.isArray(d.phones) ? (d.phones as string[]).join(', ') : '';
    doc.text(`Nome: ${d.name ?? '-'}`);
    doc.text(`E-mails: ${emails || '-'} · Telefones: ${phones || '-'} · WhatsApp: ${d.whatsapp ?? '-'}`);
    doc.text(
      `Endereço: ${[d.street, d.number, d.complement, d.district, d.city, d.uf, d.cep].filter(Boolean).join(', ') || '-'}`,
    );
    doc.moveDown(0.5).font('Helvetica-Bold').text(`Débitos (${c.receivables.length})`).font('Helvetica');
    for (const r of c.receivables)
      doc.text(
        `- ${r.document_number ?? r.external_id}: vencimento ${when(r.due_date)}, valor ${formatBrlText(Number(r.original_cents))}, em aberto ${formatBrlText(Number(r.open_cents))} (${r.status})`,
      );
    doc.moveDown(0.5).font('Helvetica-Bold').text(`Contatos feitos (${c.messages.length})`).font('Helvetica');
    for (const m of c.messages)
      doc.text(
        `- ${when(m.sent_at ?? m.plan_date)} · ${m.channel} · ${m.status}${m.to_address ? ` · para ${m.to_address}` : ''}${m.subject ? ` · ${m.subject}` : ''}`,
      );
    doc.moveDown(0.5).font('Helvetica-Bold').text(`Ligações (${c.calls.length})`).font('Helvetica');
    for (const t of c.calls)
      doc.text(`- ${when(t.created_at)} · ${t.outcome ?? t.status}${t.note ? ` · ${t.note}` : ''}`);
    doc.moveDown(0.5).font('Helvetica-Bold').text(`Pausas e promessas (${c.holds.length})`).font('Helvetica');
    for (const h of c.holds)
      doc.text(`- ${h.kind} · ${h.reason}${h.until_date ? ` · até ${when(h.until_date)}` : ''}`);
    doc
      .moveDown(0.5)
      .font('Helvetica-Bold')
      .text(`Consentimentos e cancelamentos (${c.consents.length})`)
      .font('Helvetica');
    for (const e of c.consents) doc.text(`- ${when(e.at)} · ${e.channel} · ${e.event} · origem: ${e.source}`);
    for (const score of c.scores) {
      const factors = nameFactors(Array.isArray(score.factors) ? (score.factors as Factor[]) : []);
      doc
        .moveDown(0.5)
        .font('Helvetica-Bold')
        .text('Avaliação automatizada de pagamento (LGPD, art. 20)')
        .font('Helvetica')
        .text(
          `- ${Math.round(Number(score.probability) * 100)}% de chance de pagar · ${score.model_kind === 'model' ? 'modelo da carteira' : 'regras'} · avaliado em ${when(score.as_of)}${factors.length > 0 ? ` · fatores: ${factors.map((f) => f.label).join('; ')}` : ''}`,
        )
        .text('- Usada só para ordenar as ligações; o titular pode pedir a revisão por uma pessoa.');
    }
    doc.moveDown(0.5).font('Helvetica-Bold').text(`Acordos (${c.agreements.length})`).font('Helvetica');
    for (const a of c.agreements)
      doc.text(
        `- nº ${a.id} · ${when(a.as_of)} · ${a.status} · total ${formatBrlText(Number(a.total_cents))}${a.end_reason ? ` · ${a.end_reason}` : ''}`,
      );
    doc
      .moveDown(0.5)
      .font('Helvetica-Bold')
      .text(`Portal: acessos (${c.portal.accesses.length}) e pedidos de ajuda (${c.portal.requests.length})`)
      .font('Helvetica');
    for (const p of c.portal.accesses) doc.text(`- ${when(p.created_at)} · código enviado para ${p.sent_to}`);
    for (const r of c.portal.requests) doc.text(`- ${when(r.received_at)} · ${r.body ?? '[anonimizado]'}`);
  }
  if (data.rejectedImportRows.length > 0) {
    doc
      .moveDown()
      .font('Helvetica-Bold')
      .text(`Linhas de arquivos rejeitadas que citam o titular (${data.rejectedImportRows.length})`);
    doc.font('Helvetica');
    for (const row of data.rejectedImportRows)
      doc.text(`- importação ${row.importId}, linha ${row.line}: ${row.reason}`);
  }
  doc
    .moveDown()
    .fontSize(8)
    .fillColor('#666')
    .text('O registro completo, em formato legível por máquina, está na exportação JSON.');
  doc.end();
  return doc;
}
