import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AssetHolder, AssetKind } from '../../domain/src/continuity/index.js';

@Entity('assets')
export class AssetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  @Column('uuid', { name: 'mini_program_id' })
  miniProgramId!: string;

  @Column('text')
  kind!: AssetKind;

  @Column('text')
  holder!: AssetHolder;

  /** Where it lives (a repository URL, a cloud region, who in the vendor's team): never the secret itself. */
  @Column('text', { nullable: true })
  location!: string | null;

  @Column('text', { nullable: true })
  notes!: string | null;

  @Column('date', { name: 'last_verified_on', nullable: true })
  lastVerifiedOn!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
