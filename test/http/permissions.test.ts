import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { can, PERMISSIONS, type Permission, ROLE_PERMISSIONS } from '../../src/access/permissions.ts';
import { ROLES, type Role } from '../../src/access/schema.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';

/** The permission each operation must require; every operation of the OpenAPI document must be here. */
const EXPECTED: Record<string, Permission | 'public'> = {
  'POST /api/v1/session': 'public',
  'POST /api/v1/password-reset': 'public',
  'POST /api/v1/password-reset/confirm': 'public',
  'GET /api/portal/links/{token}': 'public',
  'POST /api/portal/links/{token}/code': 'public',
  'POST /api/portal/links/{token}/verify': 'public',
  'GET /api/portal/me': 'public',
  'POST /api/portal/agreements': 'public',
  'GET /api/portal/agreements/{id}/installments/{number}/boleto.pdf': 'public',
  'POST /api/portal/promise': 'public',
  'POST /api/portal/help': 'public',
  'POST /api/portal/opt-out': 'public',
  'DELETE /api/portal/session': 'public',
  'GET /api/v1/session': 'session',
  'PUT /api/v1/session/organization': 'session',
  'DELETE /api/v1/session': 'session',
  'POST /api/v1/session/totp': 'session',
  'POST /api/v1/session/totp/confirm': 'session',
  'DELETE /api/v1/session/totp': 'session',
  'POST /api/v1/api-keys': 'api_keys:manage',
  'DELETE /api/v1/api-keys/{id}': 'api_keys:manage',
  'GET /api/v1/creditors': 'portfolio:read',
  'GET /api/v1/creditors/export.csv': 'portfolio:read',
  'POST /api/v1/creditors': 'portfolio:write',
  'GET /api/v1/creditors/{id}': 'portfolio:read',
  'GET /api/v1/creditors/{id}/aging': 'portfolio:read',
  'GET /api/v1/debtors': 'portfolio:read',
  'GET /api/v1/debtors/{id}': 'portfolio:read',
  'GET /api/v1/debtors/{id}/consents': 'portfolio:read',
  'POST /api/v1/debtors/{id}/consents': 'consent:write',
  'GET /api/v1/receivables': 'portfolio:read',
  'GET /api/v1/receivables/export.csv': 'portfolio:read',
  'GET /api/v1/debtors/export.csv': 'portfolio:read',
  'POST /api/v1/imports': 'imports:write',
  'POST /api/v1/imports/preview': 'imports:write',
  'GET /api/v1/imports': 'imports:read',
  'GET /api/v1/imports/export.csv': 'imports:read',
  'GET /api/v1/imports/{id}': 'imports:read',
  'GET /api/v1/imports/{id}/errors': 'imports:read',
  'GET /api/v1/imports/{id}/errors/export.csv': 'imports:read',
  'GET /api/v1/audit': 'audit:read',
  'GET /api/v1/lgpd/subjects/{document}/export': 'lgpd:manage',
  'GET /api/v1/lgpd/subjects/{document}/export.pdf': 'lgpd:manage',
  'POST /api/v1/lgpd/subjects/{document}/anonymize': 'lgpd:manage',
  'GET /api/v1/creditors/{id}/cadences': 'portfolio:read',
  'POST /api/v1/creditors/{id}/cadences': 'cadences:write',
  'POST /api/v1/cadences/{id}/versions': 'cadences:write',
  'GET /api/v1/cadence-versions/{id}': 'portfolio:read',
  'POST /api/v1/cadence-versions/{id}/activate': 'cadences:write',
  'POST /api/v1/cadences/validate': 'portfolio:read',
  'GET /api/v1/cadences/default': 'portfolio:read',
  'POST /api/v1/templates/preview': 'portfolio:read',
  'GET /api/v1/plan': 'portfolio:read',
  'POST /api/v1/plan/run': 'plan:run',
  'GET /api/v1/plan/skips': 'portfolio:read',
  'GET /api/v1/plan/skips/export.csv': 'portfolio:read',
  'GET /api/v1/messages': 'portfolio:read',
  'GET /api/v1/messages/export.csv': 'portfolio:read',
  'GET /api/v1/sandbox/inbox': 'portfolio:read',
  'GET /api/v1/sandbox/inbox/export.csv': 'portfolio:read',
  'GET /api/v1/debtors/{id}/holds': 'portfolio:read',
  'GET /api/v1/creditors/{id}/experiments': 'portfolio:read',
  'GET /api/v1/creditors/{id}/experiments/export.csv': 'portfolio:read',
  'POST /api/v1/creditors/{id}/simulations': 'portfolio:read',
  'GET /api/v1/channel-providers': 'providers:manage',
  'PUT /api/v1/channel-providers/{channel}': 'providers:manage',
  'GET /api/v1/worklist': 'tasks:work',
  'GET /api/v1/worklist/export.csv': 'tasks:work',
  'POST /api/v1/tasks/{id}/claim': 'tasks:work',
  'POST /api/v1/tasks/{id}/outcome': 'tasks:work',
  'GET /api/v1/letters': 'letters:print',
  'GET /api/v1/letters/export.csv': 'letters:print',
  'GET /api/v1/letters/batch.pdf': 'letters:print',
  'GET /api/v1/letters/batch.csv': 'letters:print',
  'GET /api/v1/messages/{id}/letter.pdf': 'portfolio:read',
  'GET /api/v1/debtors/{id}/replies': 'portfolio:read',
  'POST /api/v1/payments/import': 'payments:import',
  'GET /api/v1/payments': 'portfolio:read',
  'GET /api/v1/payments/export.csv': 'portfolio:read',
  'GET /api/v1/payments/{id}/candidates': 'portfolio:read',
  'POST /api/v1/payments/{id}/confirm': 'payments:reconcile',
  'POST /api/v1/payments/{id}/reject': 'payments:reconcile',
  'GET /api/v1/creditors/{id}/terms': 'portfolio:read',
  'PUT /api/v1/creditors/{id}/terms': 'portfolio:write',
  'GET /api/v1/debtors/{id}/charges': 'portfolio:read',
  'GET /api/v1/pix/webhook': 'providers:manage',
  'GET /api/v1/creditors/{id}/negotiation-policy': 'portfolio:read',
  'PUT /api/v1/creditors/{id}/negotiation-policy': 'portfolio:write',
  'GET /api/v1/debtors/{id}/offers': 'portfolio:read',
  'GET /api/v1/debtors/{id}/agreements': 'portfolio:read',
  'POST /api/v1/debtors/{id}/agreements': 'agreements:write',
  'GET /api/v1/agreements/{id}': 'portfolio:read',
  'POST /api/v1/agreements/{id}/cancel': 'agreements:cancel',
  'GET /api/v1/agreements/{id}/installments/{number}/boleto.pdf': 'portfolio:read',
  'GET /api/v1/recovered': 'portfolio:read',
  'GET /api/v1/recovered/export.csv': 'portfolio:read',
  'GET /api/v1/kpis': 'portfolio:read',
  'GET /api/v1/kpis/debtors': 'portfolio:read',
  'GET /api/v1/creditors/{id}/reports': 'portfolio:read',
  'GET /api/v1/creditors/{id}/reports/{month}': 'portfolio:read',
  'GET /api/v1/creditors/{id}/reports/{month}.pdf': 'portfolio:read',
  'GET /api/v1/creditors/{id}/reports/{month}.xlsx': 'portfolio:read',
  'GET /api/v1/kpis/recovery-curve': 'portfolio:read',
  'GET /api/v1/kpis/dso-trend': 'portfolio:read',
  'GET /api/v1/slas': 'portfolio:read',
  'GET /api/v1/slas/breaches': 'portfolio:read',
  'GET /api/v1/slas/breaches/export.csv': 'portfolio:read',
  'GET /api/v1/kpis/debtors/export.csv': 'portfolio:read',
  'GET /api/v1/creditors/{id}/sla-targets': 'portfolio:read',
  'PUT /api/v1/creditors/{id}/sla-targets': 'monitoring:manage',
  'GET /api/v1/alerts': 'portfolio:read',
  'POST /api/v1/alerts/{id}/acknowledge': 'monitoring:manage',
  'GET /api/v1/alert-settings': 'monitoring:manage',
  'PUT /api/v1/alert-settings': 'monitoring:manage',
  'PUT /api/v1/alert-settings/email': 'monitoring:manage',
  'GET /api/v1/debtors/{id}/score': 'portfolio:read',
  'GET /api/v1/creditors/{id}/score-model': 'portfolio:read',
  'POST /api/v1/creditors/{id}/score-model/train': 'monitoring:manage',
  'GET /api/v1/creditors/{id}/collection-account': 'providers:manage',
  'PUT /api/v1/creditors/{id}/collection-account': 'providers:manage',
  'GET /api/v1/creditors/{id}/remessas': 'payments:import',
  'GET /api/v1/creditors/{id}/remessas/export.csv': 'payments:import',
  'POST /api/v1/creditors/{id}/remessas': 'payments:import',
  'GET /api/v1/remessas/{id}/file': 'payments:import',
  'POST /api/v1/debtors/{id}/holds': 'holds:write',
  'POST /api/v1/holds/{id}/release': 'holds:write',
  'GET /api/v1/creditors/{id}/fee-terms': 'portfolio:read',
  'PUT /api/v1/creditors/{id}/fee-terms': 'billing:manage',
  'GET /api/v1/billing/issuer': 'portfolio:read',
  'PUT /api/v1/billing/issuer': 'billing:manage',
  'GET /api/v1/fee-statements': 'portfolio:read',
  'GET /api/v1/creditors/{id}/fee-statements': 'portfolio:read',
  'GET /api/v1/creditors/{id}/fee-statements/{month}': 'portfolio:read',
  'POST /api/v1/creditors/{id}/fee-statements/{month}/issue': 'billing:manage',
  'GET /api/v1/creditors/{id}/fee-statements/{month}/statement.pdf': 'portfolio:read',
  'GET /api/v1/creditors/{id}/fee-statements/{month}/statement.csv': 'portfolio:read',
};

let app: Awaited<ReturnType<typeof startTestApp>>;
const users = {} as Record<Role, string>;

beforeAll(async () => {
  app = await startTestApp();
  for (const role of ROLES) {
    users[role] = `${role}@perm.test`;
    await addMember(app.db, {
      orgId: app.seeded.a.scope.orgId,
      email: users[role],
      name: role,
      password: PASSWORD,
      role,
      creditorIds: role === 'client_viewer' ? [app.seeded.a.creditorId] : [],
    });
  }
});
afterAll(() => app.close());

describe('permissions', () => {
  it('every operation of the OpenAPI document allows or refuses each role as the matrix says', async () => {
    const spec = (await (await fetch(`${app.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(Object.keys(EXPECTED).sort());
    // Logging out ends the session used for the other calls: it goes last.
    const logout = 'DELETE /api/v1/session';
    const ordered = [...operations.filter((o) => o !== logout), logout];
    const checked: string[] = [];
    for (const role of ROLES) {
      const call = await loginAs(app.url, users[role]);
      for (const operation of ordered) {
        const permission = EXPECTED[operation];
        if (permission === 'public' || permission === undefined) continue;
        const [method = 'GET', template = ''] = operation.split(' ');
        const path = template
          .replace('{id}', String(app.seeded.a.creditorId))
          .replace('{document}', '52998224725')
          .replace('{channel}', 'email')
          .replace('{month}', '2026-01');
        const response = await call(path, {
          method,
          headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' },
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        });
        const allowed = can(role, permission);
        expect(response.status === 403, `${role} ${operation} answered ${response.status}`).toBe(!allowed);
        expect(response.status, `${role} ${operation}`).not.toBe(401);
        checked.push(`${role} ${operation}`);
      }
    }
    expect(checked).toHaveLength(ROLES.length * operations.filter((o) => EXPECTED[o] !== 'public').length);
  });

  it('docs/SECURITY.md shows exactly the matrix the code enforces', () => {
    const doc = readFileSync(new URL('../../docs/SECURITY.md', import.meta.url), 'utf8');
    const header = doc.split('\n').find((line) => line.startsWith('| permission | admin'));
    expect(
      header
        ?.split('|')
        .map((c) => c.trim())
        .filter(Boolean),
    ).toEqual(['permission', ...ROLES]);
    for (const permission of PERMISSIONS) {
      const row = doc
        .split('\n')
        .find((line) => line.startsWith(`| ${permission} | `) && /\| (yes|no) \|/.test(line));
      const cells = row
        ?.split('|')
        .map((c) => c.trim())
        .filter(Boolean)
        .slice(1);
      expect(cells, permission).toEqual(
        ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(permission) ? 'yes' : 'no')),
      );
    }
  });
});
