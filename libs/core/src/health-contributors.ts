import { Injectable } from '@nestjs/common';

export interface HealthCheck {
  status: 'up' | 'degraded' | 'down';
  [detail: string]: unknown;
}

/** Other modules (the mail transport) register a check here; /health reports each by name. */
@Injectable()
export class HealthContributors {
  private readonly checks = new Map<string, () => Promise<HealthCheck> | HealthCheck>();

  register(name: string, check: () => Promise<HealthCheck> | HealthCheck): void {
    this.checks.set(name, check);
  }

  async collect(): Promise<Record<string, HealthCheck>> {
    const out: Record<string, HealthCheck> = {};
    for (const [name, check] of this.checks) {
      try {
        out[name] = await check();
      } catch (error) {
        out[name] = { status: 'down', error: (error as Error).message };
      }
    }
    return out;
  }
}
