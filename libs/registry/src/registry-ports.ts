import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import type { MiniProgramEntity } from './mini-program.entity.js';
import type { QualificationEntity } from './qualification.entity.js';

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
  ): Promise<void>;

  /**
   * For mini-programs this transaction is creating (one from the API, 50,000 from an import): reads what
   * the derivation needs once (the organization, these vendors), then derives chunk by chunk without the
   * database, so the caller can prepare its next chunk while the database writes the last.
   */
  abstract creationPlanner(
    manager: EntityManager,
    ctx: AuthContext,
    vendorIds: string[],
  ): Promise<CreationPlanner>;

  /**
   * Called after mini-programs left these owners (deleted, or given another credit code): an owner's
   * obligations (the enterprise annual report) end with its last mini-program and stay while it has one.
   */
  abstract ownersChanged(manager: EntityManager, ctx: AuthContext, creditCodes: string[]): Promise<void>;
}

/** Derived records of new mini-programs, in three steps: see `RegistryObserver.creationPlanner`. */
export interface CreationPlanner {
  /**
   * The records these new mini-programs derive, ready to write: no database access. Their rows are as the
   * transaction will store them (ids made by the caller); no derived record of theirs can exist yet.
   */
  plan(created: readonly MiniProgramEntity[], qualifications: readonly QualificationEntity[]): PlannedRecords;
  /** Writes what `plan` returned, on the caller's transaction. */
  write(manager: EntityManager, planned: PlannedRecords): Promise<void>;
  /** Once, after the last chunk is written: records shared by many mini-programs (a vendor's contract end, an owner's annual report). */
  finish(manager: EntityManager): Promise<void>;
}

/** Opaque to the registry: what a planner's `plan` returns and its `write` takes. */
export interface PlannedRecords {
  readonly count: number;
}

/** Told, inside the registry's transaction, when a vendor's status changes (the continuity alert). */
export abstract class VendorStatusObserver {
  abstract vendorStatusChanged(
    manager: EntityManager,
    ctx: AuthContext,
    change: { vendorId: string; from: string; to: string; since: Date },
  ): Promise<void>;
}
