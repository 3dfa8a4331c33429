import { type CadenceDefinition, DEFAULT_SETTINGS } from './definition.ts';

const ID = 'Cobrança de {{creditor.name}} (CNPJ {{creditor.cnpj}}).';

/**
 * The régua every demo creditor starts with, and the starting point offered to a new creditor: a
 * friendly reminder before the due date, short nudges on the channels people answer, a collector's
 * call, then the prior-notice letter and, only after its waiting period, negativação (for people) or
 * protest (for companies).
 */
export function defaultCadence(): CadenceDefinition {
  return {
    settings: structuredClone(DEFAULT_SETTINGS),
    segments: [
      {
        key: 'pessoa-fisica',
        name: 'Pessoa física',
        rules: { debtorKind: 'person' },
        steps: [
          {
            key: 'pf-lembrete-d-5',
            offsetDays: -5,
            channel: 'email',
            template: {
              subject: '{{creditor.name}}: sua fatura vence em {{dueDate}}',
              body: `Olá, {{debtor.firstName}}!\n\nPassando para lembrar que você tem {{receivables.count}} título(s) com vencimento próximo:\n{{receivables}}\n\nTotal: {{total}}.\nSe já pagou, desconsidere esta mensagem.\n\n${ID}\n{{creditor.address}}`,
            },
          },
          {
            key: 'pf-vencimento-d0',
            offsetDays: 0,
            channel: 'sms',
            template: {
              body: '{{creditor.name}} (CNPJ {{creditor.cnpj}}): {{debtor.firstName}}, sua fatura de {{total}} vence hoje. Se ja pagou, desconsidere.',
            },
          },
          {
            key: 'pf-whatsapp-d3',
            offsetDays: 3,
            channel: 'whatsapp',
            template: {
              body: `Olá, {{debtor.firstName}}. Não identificamos o pagamento de:\n{{receivables}}\n\nTotal atualizado: {{total}}. Podemos ajudar a encontrar a melhor forma de pagar? Responda esta mensagem.\n\n${ID}`,
            },
            variants: [
              {
                key: 'b',
                weight: 50,
                template: {
                  body: `{{debtor.firstName}}, tudo bem? Sua fatura de {{total}} venceu há {{daysLate}} dias. Responda "PAGAR" e enviamos o Pix na hora.\n\n${ID}`,
                },
              },
            ],
          },
          {
            key: 'pf-email-d7',
            offsetDays: 7,
            channel: 'email',
            template: {
              subject: '{{creditor.name}}: pendência em aberto',
              body: `Olá, {{debtor.firstName}}.\n\nConsta em aberto:\n{{receivables}}\n\nTotal: {{total}}. Fale com a gente para negociar condições especiais.\n\n${ID}\n{{creditor.address}}`,
            },
          },
          {
            key: 'pf-ligacao-d15',
            offsetDays: 15,
            channel: 'phone',
            template: {
              body: 'Ligar para {{debtor.name}}. Em aberto: {{total}} ({{receivables.count}} título(s), {{daysLate}} dias de atraso). Oferecer parcelamento.',
            },
          },
          {
            key: 'pf-notificacao-d30',
            offsetDays: 30,
            channel: 'letter',
            purpose: 'prior_notice',
            template: {
              subject: 'Notificação de débito',
              body: `Prezado(a) {{debtor.name}} (CPF {{debtor.document}}),\n\nNotificamos que constam em aberto os seguintes débitos:\n{{receivables}}\n\nTotal: {{total}}.\n\nCaso o débito não seja pago ou negociado em até 10 dias do recebimento desta, seu nome poderá ser incluído nos cadastros de proteção ao crédito (SPC/Serasa), conforme o art. 43, § 2º, do Código de Defesa do Consumidor.\n\n{{creditor.name}} · CNPJ {{creditor.cnpj}}\n{{creditor.address}}`,
            },
          },
          {
            key: 'pf-negativacao-d45',
            offsetDays: 45,
            channel: 'negativacao',
            template: {
              body: 'Inclusão de {{debtor.name}} ({{debtor.document}}) por {{creditor.name}} (CNPJ {{creditor.cnpj}}): {{total}}.\n{{receivables}}',
            },
          },
        ],
      },
      {
        key: 'empresas',
        name: 'Empresas',
        rules: { debtorKind: 'company' },
        steps: [
          {
            key: 'pj-lembrete-d-5',
            offsetDays: -5,
            channel: 'email',
            template: {
              subject: '{{creditor.name}}: títulos a vencer em {{dueDate}}',
              body: `Prezados, {{debtor.name}}:\n\nLembramos os títulos com vencimento próximo:\n{{receivables}}\n\nTotal: {{total}}.\n\n${ID}\n{{creditor.address}}`,
            },
          },
          {
            key: 'pj-email-d1',
            offsetDays: 1,
            channel: 'email',
            template: {
              subject: '{{creditor.name}}: título vencido',
              body: `Prezados, {{debtor.name}}:\n\nNão identificamos o pagamento de:\n{{receivables}}\n\nTotal: {{total}}. Se o pagamento já foi feito, pedimos que desconsiderem.\n\n${ID}`,
            },
          },
          {
            key: 'pj-ligacao-d5',
            offsetDays: 5,
            channel: 'phone',
            template: {
              body: 'Ligar para o financeiro de {{debtor.name}}. Em aberto: {{total}} ({{receivables.count}} título(s), {{daysLate}} dias de atraso).',
            },
          },
          {
            key: 'pj-email-d15',
            offsetDays: 15,
            channel: 'email',
            template: {
              subject: '{{creditor.name}}: pendência financeira',
              body: `Prezados, {{debtor.name}}:\n\nSeguem em aberto:\n{{receivables}}\n\nTotal: {{total}}. Estamos à disposição para negociar.\n\n${ID}\n{{creditor.address}}`,
            },
          },
          {
            key: 'pj-notificacao-d30',
            offsetDays: 30,
            channel: 'letter',
            purpose: 'prior_notice',
            template: {
              subject: 'Notificação extrajudicial',
              body: `À {{debtor.name}} (CNPJ {{debtor.document}}),\n\nNotificamos que constam em aberto:\n{{receivables}}\n\nTotal: {{total}}.\n\nNão havendo pagamento ou acordo em até 10 dias do recebimento desta, os títulos poderão ser levados a protesto (Lei 9.492/97).\n\n{{creditor.name}} · CNPJ {{creditor.cnpj}}\n{{creditor.address}}`,
            },
          },
          {
            key: 'pj-protesto-d45',
            offsetDays: 45,
            channel: 'protest',
            template: {
              body: 'Protesto de títulos de {{debtor.name}} ({{debtor.document}}) por {{creditor.name}} (CNPJ {{creditor.cnpj}}): {{total}}.\n{{receivables}}',
            },
          },
        ],
      },
    ],
  };
}
