import { describe, expect, it } from '@jest/globals';
import { applyOverrides } from './catalogue-overrides.js';
import { CatalogueError, CatalogueErrorCode } from './catalogue.error.js';
import { getRequirement, loadCatalogue } from './catalogue.loader.js';

const catalogue = loadCatalogue();

function messageOf(overrides: unknown): string {
  try {
    applyOverrides(catalogue, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueError);
    expect((error as CatalogueError).code).toBe(CatalogueErrorCode.InvalidOverride);
    return (error as Error).message;
  }
  throw new Error('expected the overrides to be rejected');
}

describe('applyOverrides', () => {
  it('replaces overridable rules and marks them', () => {
    const result = applyOverrides(catalogue, {
      food_business_licence: { applyBy: { amount: 20, unit: 'working_days' }, validity: { years: 3 } },
      internet_culture_licence: { windowOpensBefore: { amount: 4, unit: 'months' } },
    });
    const food = getRequirement(result, 'food_business_licence');
    expect(food.schedule.applyBy).toEqual({
      amount: 20,
      unit: 'working_days',
      overridable: true,
      overridden: true,
    });
    expect(food.validity).toEqual({ type: 'fixed', years: 3, overridable: true, overridden: true });
    const culture = getRequirement(result, 'internet_culture_licence');
    expect(culture.schedule.type === 'before_due' && culture.schedule.windowOpensBefore).toEqual({
      amount: 4,
      unit: 'months',
      overridable: true,
      overridden: true,
    });
  });

  it('leaves the original catalogue untouched', () => {
    applyOverrides(catalogue, { food_business_licence: { applyBy: { amount: 20, unit: 'working_days' } } });
    expect(getRequirement(catalogue, 'food_business_licence').schedule.applyBy).toEqual({
      amount: 30,
      unit: 'working_days',
      overridable: true,
    });
  });

  it('accepts no overrides', () => {
    expect(applyOverrides(catalogue, {})).toEqual(catalogue);
  });

  it.each([
    [
      { icp_vas_licence: { applyBy: { amount: 30, unit: 'days' } } },
      /override icp_vas_licence, field applyBy: is confirmed/,
    ],
    [
      { wechat_pay_platform_certificate: { windowOpensBefore: { amount: 20, unit: 'days' } } },
      /override wechat_pay_platform_certificate, field windowOpensBefore: is confirmed/,
    ],
    [
      { mini_program_icp_filing: { validity: { years: 1 } } },
      /override mini_program_icp_filing, field validity: is confirmed/,
    ],
    [
      { icp_annual_report: { windowOpensBefore: { amount: 1, unit: 'months' } } },
      /override icp_annual_report, field windowOpensBefore: this requirement has a fixed yearly window/,
    ],
    [
      { no_such_code: { applyBy: { amount: 1, unit: 'days' } } },
      /override no_such_code, field \(entry\): unknown requirement code/,
    ],
    [
      { food_business_licence: { applyBy: { amount: -1, unit: 'days' } } },
      /override food_business_licence, field applyBy\.amount:/,
    ],
    [
      { food_business_licence: { applyBy: { amount: 5, unit: 'weeks' } } },
      /override food_business_licence, field applyBy\.unit:/,
    ],
    [{ food_business_licence: { renewal: 'soon' } }, /override food_business_licence, field renewal:/],
    [
      { food_business_licence: { applyBy: { amount: 12, unit: 'months' } } },
      /override food_business_licence, field schedule\.windowOpensBefore: must open no later than the apply-by date/,
    ],
  ])('rejects %j', (overrides, message) => {
    expect(messageOf(overrides)).toMatch(message);
  });
});
