import { Injectable } from '@nestjs/common';
import { type DeliveryResult, DeliveryService } from './delivery.service.js';
import { type ComposeResult, type DigestDeliveryResult, DigestService } from './digest.service.js';
import { type PlanResult, PlannerService } from './planner.service.js';

export interface TickResult {
  at: string;
  plan: PlanResult;
  delivery: DeliveryResult;
  /** Daily digests composed (and their items) and sent as of the instant. */
  digest: ComposeResult & DigestDeliveryResult;
}

/**
 * One tick as of a given instant: plan the stages due then, compose the daily digests due then, and
 * deliver what is due then (mails, then digests).
 */
@Injectable()
export class TickService {
  constructor(
    private readonly planner: PlannerService,
    private readonly delivery: DeliveryService,
    private readonly digests: DigestService,
  ) {}

  async tick(at: Date, random?: () => number): Promise<TickResult> {
    const plan = await this.planner.plan(at);
    const composed = await this.digests.compose(at);
    const delivery = await this.delivery.deliverDue(() => at, random);
    const digest = await this.digests.deliverDue(() => at, random);
    return { at: at.toISOString(), plan, delivery, digest: { ...composed, ...digest } };
  }
}
