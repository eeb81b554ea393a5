import { ApiProperty } from '@nestjs/swagger';
import { PageInfo } from '../../common/src/pagination.js';
import { DEADLINE_STATES, type DeadlineEntity } from './deadline.entity.js';

class DeadlineMiniProgram {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() appId!: string;
}

class DeadlineVendor {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() status!: string;
}

export class DeadlineResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Kind of obligation.' }) kind!: string;
  @ApiProperty({
    type: DeadlineMiniProgram,
    nullable: true,
    description: 'The mini-program, or null for a vendor contract.',
  })
  miniProgram!: DeadlineMiniProgram | null;
  @ApiProperty({ type: DeadlineVendor, nullable: true, description: 'The vendor involved.' })
  vendor!: DeadlineVendor | null;
  @ApiProperty({ nullable: true, type: String, description: 'Catalogue requirement code.' })
  requirementCode!: string | null;
  @ApiProperty({ description: "The requirement's name in the answer's language (or the custom title)." })
  requirementName!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Title of a custom deadline.' }) title!:
    string | null;
  @ApiProperty({ description: "Due date in the organization's time zone." }) dueOn!: string;
  @ApiProperty({ description: 'When the renewal window opens.' }) windowOpensOn!: string;
  @ApiProperty({ description: 'Latest safe date to apply, by the requirement rule.' }) applyBy!: string;
  @ApiProperty({
    description: 'applyBy, moved to the last working day before it when it falls on a day off.',
  })
  actBy!: string;
  @ApiProperty({ description: 'Whether the due date is a weekend or public holiday.' }) dueIsDayOff!: boolean;
  @ApiProperty({
    enum: ['official-calendar', 'weekends-only'],
    description: 'weekends-only when a year involved has no official holiday data yet: dates may still move.',
  })
  calendarBasis!: string;
  @ApiProperty({ description: 'Days from today to the due date; negative when overdue.' }) daysLeft!: number;
  @ApiProperty({ enum: ['overdue', 'due_7', 'due_30', 'due_90', 'later'] }) urgency!: string;
  @ApiProperty({ enum: DEADLINE_STATES }) state!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Reminders resume on this date.' })
  snoozedUntil!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Who acknowledged (key label, or the mail link).',
  })
  acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) completionNote!: string | null;
  @ApiProperty({ description: 'Raised whenever a date moves.' }) sequence!: number;

  static of(
    r: DeadlineEntity,
    extra: Pick<DeadlineResponse, 'miniProgram' | 'vendor' | 'requirementName' | 'daysLeft' | 'urgency'>,
  ): DeadlineResponse {
    return {
      id: r.id,
      kind: r.kind,
      miniProgram: extra.miniProgram,
      vendor: extra.vendor,
      requirementCode: r.requirementCode,
      requirementName: extra.requirementName,
      title: r.title,
      dueOn: r.dueOn,
      windowOpensOn: r.windowOpensOn,
      applyBy: r.applyBy,
      actBy: r.actBy,
      dueIsDayOff: r.dueIsDayOff,
      calendarBasis: r.calendarBasis,
      daysLeft: extra.daysLeft,
      urgency: extra.urgency,
      state: r.state,
      snoozedUntil: r.snoozedUntil,
      acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: r.acknowledgedBy,
      completedAt: r.completedAt?.toISOString() ?? null,
      completionNote: r.completionNote,
      sequence: r.sequence,
    };
  }
}

/** `page.total` of the deadline list is exact up to this many matches (or to the end of the page). */
export const DEADLINES_COUNTED_UP_TO = 10_000;

/** Counting 100,000 live deadlines costs as much as reading them: the list counts up to a cap. */
export class DeadlineCountedPageInfo extends PageInfo {
  @ApiProperty({
    description:
      'Rows matching the filters, counted up to 10,000 or to the end of this page if that is further. ' +
      'When more match, `totalIsExact` is false and `total` is a lower bound (at least this many match).',
  })
  declare total: number;
  @ApiProperty({ description: 'True when `total` is the exact number of matching rows.' })
  totalIsExact!: boolean;
}

export class DeadlinePage {
  @ApiProperty({ type: [DeadlineResponse] }) items!: DeadlineResponse[];
  @ApiProperty({ type: DeadlineCountedPageInfo }) page!: DeadlineCountedPageInfo;
}

export interface DeadlineOverview {
  today: string;
  timeZone: string;
  byUrgency: Record<'overdue' | 'due_7' | 'due_30' | 'due_90' | 'later', number>;
  byState: Record<'open' | 'acknowledged' | 'snoozed', number>;
  byKind: Record<string, number>;
}
