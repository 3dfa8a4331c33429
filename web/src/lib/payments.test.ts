import { describe, expect, it } from 'vitest';
import { problemSentences } from '../components/CollectionAccountCard.tsx';
import { remessaHeadline, withoutTitlePrefix } from '../components/RemessasCard.tsx';
import { matchedByLabel, paymentStatusLabel } from './labels.ts';

const me = { id: 12, name: 'Ana Souza' };

describe('how a payment was matched, as the list shows it', () => {
  it('names the person who confirmed or rejected it, keeping the note or the reason', () => {
    expect(matchedByLabel('conciliado por user:12: o filho pagou', me)).toBe(
      'conciliado por Ana Souza: o filho pagou',
    );
    expect(matchedByLabel('conciliado por user:7', me)).toBe('conciliado por usuário nº 7');
    expect(matchedByLabel('rejeitado por user:12: tarifa bancária', me)).toBe(
      'rejeitado por Ana Souza: tarifa bancária',
    );
    expect(matchedByLabel('rejeitado por apikey:3: estorno: devolvido', me)).toBe(
      'rejeitado por chave de API nº 3: estorno: devolvido',
    );
  });

  it('shows references and the automatic reconciliation as the server wrote them', () => {
    for (const text of [
      'nosso número 12345678',
      'conciliação automática (confiança 93%): valor igual ao título NF-102; nome do pagador',
      'conciliado por alguém que não é um ator',
    ])
      expect(matchedByLabel(text, me)).toBe(text);
  });

  it('calls a rejected payment "Rejeitado"', () => {
    expect(paymentStatusLabel('rejected')).toBe('Rejeitado');
    expect(paymentStatusLabel('unallocated')).toBe('Para conciliar');
  });
});

describe('collection account problems', () => {
  it('lists each sentence of the server’s detail as its own problem', () => {
    expect(
      problemSentences(
        'Agência inválida: use o formato 1234-5. O convênio do Banco do Brasil tem 7 dígitos. A carteira tem 2 dígitos (ex.: 17). O endereço do PSP deve usar https.',
      ),
    ).toEqual([
      'Agência inválida: use o formato 1234-5.',
      'O convênio do Banco do Brasil tem 7 dígitos.',
      'A carteira tem 2 dígitos (ex.: 17).',
      'O endereço do PSP deve usar https.',
    ]);
    expect(problemSentences('Informe o client_id do PSP.')).toEqual(['Informe o client_id do PSP.']);
  });
});

describe('remessa headline', () => {
  it('says what went in', () => {
    expect(remessaHeadline({ registered: 1, writtenOff: 0 })).toBe('1 boleto para registrar');
    expect(remessaHeadline({ registered: 2, writtenOff: 1 })).toBe(
      '2 boletos para registrar e 1 boleto para baixar',
    );
    expect(remessaHeadline({ registered: 0, writtenOff: 0 })).toBe('Nenhum boleto');
  });

  it('lists a refused title’s problems without repeating its number', () => {
    expect(withoutTitlePrefix('título AC2-1/1: CEP do pagador inválido', 'AC2-1/1')).toBe(
      'CEP do pagador inválido',
    );
    expect(withoutTitlePrefix('beneficiário: convênio inválido', 'AC2-1/1')).toBe(
      'beneficiário: convênio inválido',
    );
  });
});
