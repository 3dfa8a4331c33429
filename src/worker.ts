import { startBounceServer } from './channels/bounces.ts';
import { type Dispatcher, startDispatcher } from './channels/dispatcher.ts';
import { providerResolver } from './channels/providers.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { startScheduler } from './dunning/scheduler.ts';
import { importJobHandler } from './imports/jobs.ts';
import { releaseOrphanedJobs, startWorker, type Worker } from './jobs/queue.ts';
import { applyRetention } from './lgpd/anonymize.ts';
import { alertsJobHandler } from './monitoring/jobs.ts';
import { portalUrl, signPortalLink } from './portal/links.ts';
import { scoreJobHandler } from './scoring/jobs.ts';

export type Background = { jobs: Worker; dispatcher: Dispatcher; stop(): Promise<void> };

/**
 * Everything that runs in the background, in the server process or in `regua worker`: the job queue
 * (imports), the outbox dispatcher and the daily planner's scheduler. All of it coordinates through
 * PostgreSQL (SKIP LOCKED claims, leases, unique keys), so any number of processes can run it.
 */
export async function startBackground(
  db: Database,
  config: Config,
  options: { log?: (line: string) => void; onError?: (error: unknown, what: string) => void } = {},
): Promise<Background> {
  const log = options.log ?? (() => {});
  const onError = (what: string) => (error: unknown) => options.onError?.(error, what);
  const orphans = await releaseOrphanedJobs(db);
  if (orphans > 0) log(`Resuming ${orphans} background job(s) left by a stopped process.`);
  const alertMail = { smtpUrl: config.systemSmtpUrl, from: config.mailFrom, publicUrl: config.publicUrl };
  const jobs = startWorker(db, [importJobHandler(db), alertsJobHandler(db, alertMail), scoreJobHandler(db)], {
    concurrency: 2,
    onError: onError('background job'),
  });
  const channels = providerResolver(db, {
    secretKey: config.secretKey,
    publicUrl: config.publicUrl,
    sandboxLatencyMs: config.sandboxLatencyMs,
    bounceDomain: config.bounceDomain,
  });
  const bounces =
    config.bounceSmtpPort > 0 && config.secretKey && config.bounceDomain
      ? await startBounceServer(db, {
          port: config.bounceSmtpPort,
          secretKey: config.secretKey,
          onError: onError('bounce'),
        })
      : null;
  if (bounces) log(`Receiving e-mail bounces for ${config.bounceDomain} on port ${bounces.port}.`);
  const dispatcher = startDispatcher(db, {
    channels,
    batchSize: config.dispatchBatchSize,
    leaseMs: config.dispatchLeaseMs,
    onError: onError('dispatch'),
    portalLink: config.secretKey
      ? (orgId, debtorId) =>
          portalUrl(
            config.publicUrl,
            signPortalLink(config.secretKey as Buffer, { orgId, debtorId, days: config.portalLinkDays }),
          )
      : undefined,
  });
  const scheduler = config.runScheduler
    ? startScheduler(db, {
        onError: onError('planner'),
        secretKey: config.secretKey,
        onPlanned: (orgId, result) => {
          log(
            `Planned ${result.date} for organization ${orgId}: ${result.planned} contacts, ${result.skipped} skipped.`,
          );
          dispatcher.wake();
        },
      })
    : null;
  // The LGPD retention job: once an hour after start, then daily.
  let retention: Promise<unknown> | null = null;
  const runRetention = () => {
    if (retention) return;
    retention = applyRetention(db)
      .then((r) => {
        if (r.anonymized > 0)
          log(`Retention: ${r.anonymized} debtor record(s) past the 5-year retention anonymized.`);
      })
      .catch(onError('retention'))
      .finally(() => {
        retention = null;
      });
  };
  const firstRetention = setTimeout(runRetention, 60 * 60_000);
  const dailyRetention = setInterval(runRetention, 24 * 60 * 60_000);
  firstRetention.unref();
  dailyRetention.unref();
  return {
    jobs,
    dispatcher,
    async stop() {
      clearTimeout(firstRetention);
      clearInterval(dailyRetention);
      await retention;
      await scheduler?.stop();
      await Promise.all([jobs.stop(), dispatcher.stop()]);
      channels.close();
      await bounces?.close();
    },
  };
}
