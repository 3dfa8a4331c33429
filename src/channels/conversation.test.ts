import { describe, expect, it } from 'vitest';
import { type ConversationDebts, converse } from './conversation.ts';

const debts: ConversationDebts = [
  {
    debtorId: 1,
    creditorId: 1,
    creditor: 'Nuvem Play',
    cnpj: '34567890000130',
    firstName: 'Maria',
    receivables: [
      { label: 'ASS-1', dueDate: '2026-11-01', openCents: 4990 },
      { label: 'ASS-2', dueDate: '2026-12-01', openCents: 4990 },
    ],
  },
];

describe('the WhatsApp assistant', () => {
  it.each([
    [
      '1',
      'menu',
      null,
      'Nuvem Play (CNPJ 34.567.890/0001-30):\n- ASS-1: R$ 49,90, vencimento 01/11/2026 (21 dias em atraso)\n- ASS-2: R$ 49,90, vencimento 01/12/2026\nTotal: R$ 99,80',
    ],
    ['Débitos', 'menu', null, 'Total: R$ 99,80'],
    ['2', 'menu', 'payment_data', 'dados para pagamento'],
    ['pix', 'menu', 'payment_data', 'Pix copia e cola'],
    ['3', 'menu', 'agreement', 'montar um acordo'],
    ['Parcelar', 'menu', 'agreement', 'montar um acordo'],
    ['4', 'menu', 'person', 'Um atendente vai falar com você'],
    ['oi', 'menu', null, 'Olá, Maria! Sou o assistente de cobrança de Nuvem Play.'],
    ['qualquer coisa', 'menu', null, 'SAIR - Não receber mais mensagens por aqui'],
  ])('"%s" → %s, hand-off %s', (text, state, handOff, reply) => {
    const turn = converse({ text, debts, asOf: '2026-11-22' });
    expect(turn.state).toBe(state);
    expect(turn.handOff?.reason ?? null).toBe(handOff);
    expect(turn.replies.join('\n')).toContain(reply);
  });

  it('sends the Pix copia-e-cola when the creditor has a Pix key', () => {
    const withPix = debts.map((d) => ({ ...d, pix: '00020126PIX-PAYLOAD' }));
    const turn = converse({ text: '2', debts: withPix, asOf: '2026-11-22' });
    expect(turn.handOff).toBeNull();
    expect(turn.replies).toEqual([
      'Pix para pagar R$ 99,80 a Nuvem Play (CNPJ 34.567.890/0001-30). Copie o código abaixo e cole no app do seu banco, em "Pix copia e cola":\n\n00020126PIX-PAYLOAD',
    ]);
  });

  it('says so when nothing is owed', () => {
    const turn = converse({
      text: '1',
      debts: [{ ...debts[0], receivables: [] } as ConversationDebts[number]],
      asOf: '2026-11-22',
    });
    expect(turn.replies).toEqual(['Não encontramos débitos em aberto. Obrigado!']);
  });
});
