export {
  CsvEncodingError,
  csvCharset,
  decodeCsv,
  firstInvalidUtf8,
  type CsvEncoding,
  type DecodedCsv,
} from './decode-csv.js';
export {
  parseCsvRecords,
  type CsvRecordError,
  type CsvRow,
  type CsvSchema,
  type ParsedCsv,
} from './parse-csv-records.js';
export { splitList } from './split-list.js';
