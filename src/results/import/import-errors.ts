import { InputTooLargeError, UnreadableInputError, UnsupportedInputError } from '../../common/errors/domain-errors';

/** The upload is not a file this importer reads (wrong kind, encrypted, legacy .xls). */
export class UnsupportedFileError extends UnsupportedInputError {}

/** The upload is of a readable kind but broken, empty or without a recognisable header. */
export class UnreadableFileError extends UnreadableInputError {}

/** The upload is over a configured limit (bytes, rows, ZIP entries, uncompressed size). */
export class FileTooLargeError extends InputTooLargeError {}

export interface ReadLimits {
  maxZipEntries: number;
  maxUncompressedBytes: number;
  /** Inflated bytes of a workbook held in memory for the reader (checkWorkbookZip; default 32 MB). Tests set 0 to stream every part through exceljs. */
  heldInflatedBytes?: number;
}
