import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { VersionedEntity } from '../database/base.entity';

export type SubmittalStatus = 'draft' | 'open' | 'closed';
/** Where the workflow is: not submitted yet, with a step's approvers, returned to the manager, or through every step. */
export type WorkflowState = 'not_started' | 'in_review' | 'returned' | 'complete';
export type SubmittalCourtRole = 'Approvers' | 'Submittal Manager';

/** Answers an approver may give; `pending` is what an approver without a submitted response shows. */
export const RESPONSES = ['approved', 'approved_as_noted', 'revise_and_resubmit', 'rejected', 'for_record_only', 'forwarded_for_review'] as const;
export type ResponseValue = (typeof RESPONSES)[number];
/** Responses that stop the workflow and send court back to the submittal manager. */
export const RETURNING_RESPONSES: readonly ResponseValue[] = ['revise_and_resubmit', 'rejected'];

@Entity('submittal_packages')
export class SubmittalPackage extends VersionedEntity {
  @Column({ type: 'integer' }) companyId!: number;
  @Column({ type: 'integer' }) projectId!: number;
  @Column({ type: 'integer' }) number!: number;
  @Column({ type: 'varchar', length: 255 }) title!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'integer', nullable: true }) createdById!: number | null;
}

@Entity('submittals')
export class Submittal extends VersionedEntity {
  @Column({ type: 'integer' }) companyId!: number;
  @Column({ type: 'integer' }) projectId!: number;
  @Column({ type: 'integer' }) number!: number;
  @Column({ type: 'integer', default: 0 }) revision!: number;
  @Column({ type: 'varchar', length: 255 }) title!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'varchar', length: 16 }) status!: SubmittalStatus;
  @Column({ type: 'boolean', default: false }) private!: boolean;
  @Column({ type: 'integer', nullable: true }) submittalManagerId!: number | null;
  @Column({ type: 'integer', nullable: true }) createdById!: number | null;
  @Column({ type: 'integer', nullable: true }) receivedFromId!: number | null;
  @Column({ type: 'integer', nullable: true }) responsibleContractorId!: number | null;
  @Column({ type: 'integer', nullable: true }) packageId!: number | null;
  @Column({ type: 'date', nullable: true }) dueDate!: string | null;
  @Column({ type: 'varchar', length: 16, default: 'not_started' }) workflowState!: WorkflowState;
  @Column({ type: 'integer', nullable: true }) currentStep!: number | null;
  @Column({ type: 'varchar', length: 24, nullable: true }) ballInCourtRole!: SubmittalCourtRole | null;
  @Column({ type: 'integer', nullable: true }) previousRevisionId!: number | null;
  @Column({ type: 'timestamptz', nullable: true }) submittedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) distributedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt!: Date | null;
}

@Entity('submittal_distribution')
export class SubmittalDistribution {
  @PrimaryColumn({ type: 'integer' }) submittalId!: number;
  @PrimaryColumn({ type: 'integer' }) userId!: number;
}

@Entity('submittal_approvers')
export class SubmittalApprover {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer' }) submittalId!: number;
  @Column({ type: 'integer' }) step!: number;
  @Column({ type: 'integer' }) userId!: number;
  @Column({ type: 'boolean', default: true }) required!: boolean;
}

@Entity('submittal_responses')
export class SubmittalResponse extends VersionedEntity {
  @Column({ type: 'integer' }) submittalId!: number;
  @Column({ type: 'integer' }) approverId!: number;
  @Column({ type: 'varchar', length: 32 }) response!: ResponseValue;
  @Column({ type: 'text', default: '' }) comment!: string;
  @Column({ type: 'boolean', default: false }) draft!: boolean;
  @Column({ type: 'integer', nullable: true }) createdById!: number | null;
  @Column({ type: 'timestamptz', nullable: true }) respondedAt!: Date | null;
}
