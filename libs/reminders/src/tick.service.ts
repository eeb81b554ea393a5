import { Injectable } from '@nestjs/common';
import { type DeliveryResult, DeliveryService } from './delivery.service.js';
import { type PlanResult, PlannerService } from './planner.service.js';

export interface TickResult {
  at: string;
  plan: PlanResult;
  delivery: DeliveryResult;
}

/** One tick as of a given instant: plan the stages due then, and deliver what is due then. */
@Injectable()
export class TickService {
  constructor(
    private readonly planner: PlannerService,
    private readonly delivery: DeliveryService,
  ) {}

  async tick(at: Date, random?: () => number): Promise<TickResult> {
    const plan = await this.planner.plan(at);
    const delivery = await this.delivery.deliverDue(() => at, random);
    return { at: at.toISOString(), plan, delivery };
  }
}
