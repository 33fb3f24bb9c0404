import type { NutrientTier } from '../catalog/nutrients.js';

/**
 * Plan policy (SPEC.md, "Scopes and plans"): what each plan may see and how much it may
 * do. This is the one place that knows; the API, /mcp, /account and the CLI ask here.
 * Daily quotas are numbers the operator sets (LARDER_QUOTA_FREE, LARDER_QUOTA_PRO), so
 * they live in the configuration, keyed by plan.
 */
export const PLAN_POLICIES = {
  free: { label: 'Free', nutrientTier: 'main' },
  pro: { label: 'Pro', nutrientTier: 'full' },
} as const satisfies Record<string, { label: string; nutrientTier: NutrientTier }>;

export type Plan = keyof typeof PLAN_POLICIES;

export const PLANS = Object.keys(PLAN_POLICIES) as readonly Plan[];

/** The nutrient panel a plan may see: free the main nutrients, pro the full panel. */
export function nutrientTierFor(plan: Plan): NutrientTier {
  return PLAN_POLICIES[plan].nutrientTier;
}

/** Requests a person on `plan` may make per UTC day. */
export function dailyQuotaFor(plan: Plan, quotas: Readonly<Record<Plan, number>>): number {
  return quotas[plan];
}

export function planLabel(plan: Plan): string {
  return PLAN_POLICIES[plan].label;
}
