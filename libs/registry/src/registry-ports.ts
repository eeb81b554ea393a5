import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import type { MiniProgramEntity } from './mini-program.entity.js';

/** What the registry needs to know of the requirements catalogue to validate input. */
export abstract class RequirementLookup {
  abstract isKnownRequirement(code: string): boolean;
  abstract isKnownFeature(feature: string): boolean;
  abstract knownFeatures(): string[];
  /** The category paths the catalogue maps to requirements; a registered category outside them is flagged. */
  abstract serviceCategoryPaths(): readonly string[];
}

/**
 * Called inside the registry's transaction after a mini-program, its qualifications or its vendor change,
 * so derived records (deadlines) commit or roll back with the change that caused them.
 */
export abstract class RegistryObserver {
  abstract miniProgramsChanged(
    manager: EntityManager,
    ctx: AuthContext,
    miniProgramIds: string[],
    options?: {
      /**
       * The mini-programs were inserted by this very transaction, and these are their stored rows: the
       * observer need not read them back, and no derived record of theirs can exist yet.
       */
      created?: readonly MiniProgramEntity[];
    },
  ): Promise<void>;

  /**
   * Called after mini-programs left these owners (deleted, or given another credit code): an owner's
   * obligations (the enterprise annual report) end with its last mini-program and stay while it has one.
   */
  abstract ownersChanged(manager: EntityManager, ctx: AuthContext, creditCodes: string[]): Promise<void>;
}

/** Told, inside the registry's transaction, when a vendor's status changes (the continuity alert). */
export abstract class VendorStatusObserver {
  abstract vendorStatusChanged(
    manager: EntityManager,
    ctx: AuthContext,
    change: { vendorId: string; from: string; to: string; since: Date },
  ): Promise<void>;
}
