import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CertificateFinding, ProbeOutcome } from '../../domain/src/certificates/index.js';

export type DeadlineAction = 'opened' | 'renewed' | 'unchanged' | 'kept';

/** One TLS check of one registered server domain. */
@Entity('certificate_checks')
export class CertificateCheckEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  @Column('text')
  domain!: string;

  @Column('uuid', { name: 'mini_program_ids', array: true, default: () => "'{}'" })
  miniProgramIds!: string[];

  @Column('timestamptz', { name: 'checked_at' })
  checkedAt!: Date;

  @Column('text')
  trigger!: 'scheduled' | 'on_demand';

  @Column('text')
  outcome!: ProbeOutcome;

  @Column('text', { nullable: true })
  finding!: CertificateFinding | null;

  @Column('text', { array: true, default: () => "'{}'" })
  findings!: CertificateFinding[];

  @Column('timestamptz', { name: 'not_before', nullable: true })
  notBefore!: Date | null;

  @Column('timestamptz', { name: 'not_after', nullable: true })
  notAfter!: Date | null;

  @Column('text', { nullable: true })
  issuer!: string | null;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text', { array: true, nullable: true })
  names!: string[] | null;

  @Column('boolean', { name: 'chain_valid', nullable: true })
  chainValid!: boolean | null;

  @Column('text', { name: 'chain_error', nullable: true })
  chainError!: string | null;

  @Column('text', { nullable: true })
  fingerprint!: string | null;

  @Column('text', { nullable: true })
  protocol!: string | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('uuid', { name: 'deadline_id', nullable: true })
  deadlineId!: string | null;

  @Column('text', { name: 'deadline_action' })
  deadlineAction!: DeadlineAction;
}
