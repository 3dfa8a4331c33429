import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const line = (fitid: string, amount: string, name: string, memo: string) => `
          <STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20260410100000.000[-3:BRT]</DTPOSTED>
            <TRNAMT>${amount}</TRNAMT><FITID>${fitid}</FITID><NAME>${name}</NAME><MEMO>${memo}</MEMO></STMTTRN>`;
const STATEMENT = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STMTRS><CURDEF>BRL</CURDEF>
  <BANKACCTFROM><BANKID>341</BANKID><BRANCHID>0057</BRANCHID><ACCTID>998877</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
  <BANKTRANLIST><DTSTART>20260401</DTSTART><DTEND>20260430</DTEND>
${line('R1', '10000.00', 'PADARIA ESTRELA LTDA', 'PIX RECEBIDO')}
${line('R2', '200.00', 'JOAO P SILVA', 'TED RECEBIDA')}
${line('R3', '12.90', 'TARIFA PACOTE SERVICOS', 'TARIFA')}
  </BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;

type Payment = {
  id: number;
  status: string;
  amountCents: number;
  matchedBy: string | null;
  debtorId: number | null;
};
const payments = async () =>
  ((await (await manager('/api/v1/payments')).json()) as { items: Payment[] }).items.sort(
    (a, b) => a.amountCents - b.amountCents,
  );

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
});
afterAll(() => app.close());

describe('reconciliation of lines no reference matched', () => {
  it('allocates what the scorer is sure of, queues the rest with candidates, and a person decides', async () => {
    const imported = await manager('/api/v1/payments/import?filename=extrato.ofx', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new TextEncoder().encode(STATEMENT),
    });
    expect(imported.status).toBe(200);
    const [fee, maria, padaria] = await payments();
    // The exact amount of the Padaria's only open receivable, paid under the company's own name.
    expect(padaria).toMatchObject({ status: 'allocated' });
    expect(padaria?.matchedBy).toMatch(/^conciliação automática \(confiança \d+%\)/);
    // R$ 200,00 is Maria's open balance, paid by someone else: a suggestion, for a person.
    expect(maria?.status).toBe('unallocated');
    const candidates = (await (await manager(`/api/v1/payments/${maria?.id}/candidates`)).json()) as {
      decision: string;
      candidates: Array<{ debtorId: number; debtorName: string; confidence: number; reasons: string[] }>;
    };
    expect(candidates.decision).toBe('suggest');
    expect(candidates.candidates[0]?.debtorName).toBe('Maria da Silva');
    expect(candidates.candidates[0]?.reasons.length).toBeGreaterThan(0);

    const collector = await loginAs(app.url, app.seeded.users.collector);
    const best = candidates.candidates[0];
    expect(
      (await collector(`/api/v1/payments/${maria?.id}/confirm`, json({ debtorId: best?.debtorId }))).status,
    ).toBe(403);
    const confirmed = await manager(
      `/api/v1/payments/${maria?.id}/confirm`,
      json({ debtorId: best?.debtorId, note: 'o filho pagou' }),
    );
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ status: 'allocated', allocatedCents: 20_000 });
    // Decided once: a second confirmation is refused, nothing is applied twice.
    expect(
      (await manager(`/api/v1/payments/${maria?.id}/confirm`, json({ debtorId: best?.debtorId }))).status,
    ).toBe(409);

    const feeCandidates = (await (await manager(`/api/v1/payments/${fee?.id}/candidates`)).json()) as {
      decision: string;
    };
    expect(feeCandidates.decision).toBe('none');
    const rejected = await manager(`/api/v1/payments/${fee?.id}/reject`, json({ reason: 'tarifa bancária' }));
    expect(await rejected.json()).toMatchObject({ status: 'rejected' });
    const after = await payments();
    expect(after.map((p) => p.status)).toEqual(['rejected', 'allocated', 'allocated']);
    const audit = await app.db.query<{ action: string }>(
      `select action from audit_log where org_id = $1 and action in ('payments.reconciled', 'payments.rejected') order by seq`,
      [app.seeded.a.scope.orgId],
    );
    expect(audit.map((a) => a.action)).toEqual(['payments.reconciled', 'payments.rejected']);
    // Another organization sees none of it.
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await other(`/api/v1/payments/${maria?.id}/candidates`)).status).toBe(404);
    expect((await other(`/api/v1/payments/${fee?.id}/reject`, json({ reason: 'xxx' }))).status).toBe(404);
  });
});
