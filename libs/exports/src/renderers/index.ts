export type {
  ChecklistActor,
  ChecklistItem,
  ChecklistRow,
  ExportHeader,
  ExportLocale,
} from './checklist-row.js';
export { neutralizeCell } from './neutralize-cell.js';
export { writeChecklistCsv, csvField, checklistCsvColumns } from './checklist-csv.writer.js';
export { writeChecklistXlsx, type XlsxWriterOptions } from './checklist-xlsx.writer.js';
export { writeChecklistPdf } from './checklist-pdf.writer.js';
export { writeChecklistMarkdown, escapeMarkdown } from './checklist-markdown.writer.js';
export {
  buildCalendar,
  calendarEventsFor,
  ALARM_HOUR,
  type CalendarEvent,
  type CalendarOptions,
} from './calendar.builder.js';
export {
  contentDisposition,
  exportFileName,
  type ExportExtension,
  type ExportFileName,
} from './content-disposition.js';
export { loadCjkFonts, notoSansScDirectory, type CjkFonts } from './cjk-font.js';
export { labelsFor, type ExportLabels } from './labels.js';
export { renderHandoverMarkdown, writeHandoverMarkdown } from './handover-markdown.writer.js';
export { writeHandoverPdf } from './handover-pdf.writer.js';
export { handoverLabelsFor, type HandoverLabels } from './handover-labels.js';
