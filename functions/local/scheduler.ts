/**
 * @module The local runtime's scheduler (DESIGN §8): keeps every tenant's schedules in memory with their next fire
 * time (croner for cron patterns, a fixed grid for rates), checks them on a 1 s interval timer, and fires a due
 * schedule by submitting a normal job tagged with the schedule id through the `submitJob` handler. Before
 * submitting it claims the run with an etag-checked write of `next`/`lastRunAt`, so a run fires at most once even
 * with several schedulers on one store. A run missed while the service was down fires once at start.
 */
import { PreconditionFailedError, encodeJson, keys, type ScheduleRecord } from '../../shared/index.js';
import type { Deps, RequestContext } from '../handlers/deps.js';
import { submitJob } from '../handlers/jobs.js';
import { nextRunAt, readAllSchedules, readSchedule } from '../handlers/schedules.js';

export type ScheduledSubmit = (input: { body: unknown; scheduleId: string }, ctx: RequestContext, deps: Deps) => Promise<{ body: unknown }>;

export interface LocalSchedulerOptions {
  /** Tenants to watch (default: every tenant found in the store at start, plus any passed to `reload`). */
  tenants?: () => Promise<string[]> | string[];
  /** How due schedules are submitted (default: the `submitJob` handler). */
  submit?: ScheduledSubmit;
  /** Interval of the due check, ms (default 1000). */
  tickMs?: number;
  /** Interval of a full re-read of the watched tenants' schedules, ms (default 2000). */
  rescanMs?: number;
}

interface Entry {
  tenant: string;
  id: string;
  nextAt: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class LocalScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly tenants = new Set<string>();
  private readonly submit: ScheduledSubmit;
  private readonly tickMs: number;
  private readonly rescanMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastRescan = 0;
  private running: Promise<void> | undefined;
  /** Jobs submitted by this scheduler, oldest first (for logs and tests). */
  readonly fired: { tenant: string; scheduleId: string; jobId?: string; at: string; error?: string }[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly options: LocalSchedulerOptions = {},
  ) {
    this.submit = options.submit ?? ((input, ctx, d) => submitJob(input, ctx, d));
    this.tickMs = options.tickMs ?? 1000;
    this.rescanMs = options.rescanMs ?? 2000;
  }

  /** Loads every watched tenant's schedules and starts the timer. */
  async start(): Promise<void> {
    for (const t of await this.discoverTenants()) this.tenants.add(t);
    await this.rescan();
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick();
    }, this.tickMs);
    this.timer.unref?.();
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Re-reads one tenant's schedules (call after creating or deleting one). */
  async reload(tenant: string): Promise<void> {
    this.tenants.add(tenant);
    const now = this.deps.clock.now();
    const records = await readAllSchedules(this.deps, tenant);
    const seen = new Set<string>();
    for (const r of records) {
      const k = `${tenant}/${r.id}`;
      seen.add(k);
      const stored = r.next ? Date.parse(r.next) : Number.NaN;
      // A stored `next` in the past is a run missed while nothing was firing: it is due now (once).
      const nextAt = !r.enabled ? null : Number.isFinite(stored) && stored <= now ? stored : nextRunAt(r, now);
      this.entries.set(k, { tenant, id: r.id, nextAt });
    }
    for (const [k, e] of this.entries) if (e.tenant === tenant && !seen.has(k)) this.entries.delete(k);
  }

  /** Schedules currently known, with their next fire time (ms) or null. */
  snapshot(): Entry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /** Fires every due schedule once (the timer calls this; tests call it with a fake clock). */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runTick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runTick(): Promise<void> {
    const now = this.deps.clock.now();
    if (now - this.lastRescan >= this.rescanMs) await this.rescan();
    for (const e of [...this.entries.values()]) {
      if (e.nextAt === null || e.nextAt > now) continue;
      try {
        await this.fire(e, now);
      } catch (err) {
        this.deps.log.error('schedule run failed', { tenant: e.tenant, scheduleId: e.id, error: (err as Error).message });
      }
    }
  }

  private async rescan(): Promise<void> {
    this.lastRescan = this.deps.clock.now();
    for (const t of this.tenants) {
      try {
        await this.reload(t);
      } catch (err) {
        this.deps.log.error('schedule reload failed', { tenant: t, error: (err as Error).message });
      }
    }
  }

  private async fire(e: Entry, now: number): Promise<void> {
    const k = `${e.tenant}/${e.id}`;
    const got = await readSchedule(this.deps, e.tenant, e.id);
    if (!got) {
      this.entries.delete(k);
      return;
    }
    const { record, etag } = got;
    const next = nextRunAt(record, now);
    e.nextAt = next;
    if (!record.enabled) return;
    const claimed: ScheduleRecord = { ...record, next: next === null ? null : iso(next), lastRunAt: iso(now) };
    let claimEtag: string;
    try {
      claimEtag = await this.deps.store.put(keys.scheduleKey(e.tenant, e.id), encodeJson(claimed), { contentType: 'application/json', ifMatch: etag });
    } catch (err) {
      if (err instanceof PreconditionFailedError) {
        await this.reload(e.tenant); // someone else fired or changed it
        return;
      }
      throw err;
    }
    const spec = record.spec;
    const own = (spec.tags as Record<string, string> | undefined) ?? {};
    // The job record carries `scheduleId`; the tag makes it visible in the spec too (when the tag limit allows).
    const tags = Object.keys(own).length < 32 ? { ...own, schedule: e.id } : own;
    const body = { ...spec, tags, ...(spec.name === undefined && record.name !== undefined ? { name: record.name } : {}) };
    let jobId: string | undefined;
    try {
      const out = await this.submit({ body, scheduleId: e.id }, { tenant: e.tenant }, this.deps);
      jobId = (out.body as { id?: string }).id;
    } catch (err) {
      const message = (err as Error).message;
      this.fired.push({ tenant: e.tenant, scheduleId: e.id, at: iso(now), error: message });
      this.deps.log.error('scheduled job not submitted', { tenant: e.tenant, scheduleId: e.id, error: message });
      return;
    }
    this.fired.push({ tenant: e.tenant, scheduleId: e.id, jobId, at: iso(now) });
    this.deps.log.info('schedule fired', { tenant: e.tenant, scheduleId: e.id, jobId, next: claimed.next });
    if (jobId) {
      try {
        await this.deps.store.put(keys.scheduleKey(e.tenant, e.id), encodeJson({ ...claimed, lastJobId: jobId }), { contentType: 'application/json', ifMatch: claimEtag });
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err; // deleted or changed meanwhile: leave it
      }
    }
  }

  /**
   * Tenants that have any object in the store, one `list` call per tenant: after tenant t, the next listing
   * starts after "tenants/t0" — every key of t ("tenants/t/…") sorts below it ('/' < '0'), and every tenant
   * that sorts between them would begin "t-" and was listed before t.
   */
  private async discoverTenants(): Promise<string[]> {
    if (this.options.tenants) return [...(await this.options.tenants())];
    const found: string[] = [];
    let startAfter: string | undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      const page = await this.deps.store.list('tenants/', { startAfter, limit: 1 });
      const key = page.keys[0];
      if (!key) break;
      const m = /^tenants\/([^/]+)\//.exec(key);
      if (!m) break;
      found.push(m[1]);
      startAfter = `tenants/${m[1]}0`;
    }
    return found;
  }
}
