import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import * as yauzl from 'yauzl';
import { DomainError } from '../../common/errors/domain-errors';
import { FileTooLargeError, ReadLimits, UnreadableFileError, UnsupportedFileError } from './import-errors';
import { readSharedStrings } from './worksheet-rows';

/** A workbook whose ZIP passed the checks, laid out again for the spreadsheet reader. */
export interface CheckedWorkbook {
  /** `<row>` elements over all worksheets (header and blank rows included), for progress bars. */
  totalRows: number;
  /** The checked entries only, as a new ZIP: parts the reader needs first come first. */
  zip: Buffer;
  /**
   * The shared strings, read here when the part was held inflated (the ZIP then carries an empty
   * table in its place, for exceljs); null when exceljs reads them from the ZIP itself.
   */
  sharedStrings: (string | null)[] | null;
  /**
   * Every worksheet's XML, inflated, in the ZIP's order, when all of them were held inflated: the
   * rebuilt ZIP then leaves them out (exceljs reads the workbook's other parts, the lean reader
   * the worksheets from these bytes). Null when a worksheet was past the held budget: the ZIP then
   * carries every worksheet, for exceljs to stream.
   */
  worksheets: { name: string; xml: Buffer }[] | null;
}

const WORKSHEET = /^xl\/worksheets\/sheet\d+\.xml$/;
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const ROW_TAG = Buffer.from('<row');
/** Every part exceljs may parse as XML. */
const XML_PART = /\.(xml|rels|vml)$/i;
const DTD_TAGS = [Buffer.from('<!DOCTYPE'), Buffer.from('<!ENTITY')];
const LONGEST_TAG = Math.max(ROW_TAG.length, ...DTD_TAGS.map((tag) => tag.length));
/** ZIP compression methods: stored, deflated. */
const STORED = 0;
const DEFLATED = 8;
/**
 * Inflated bytes an import holds at most to hand the reader stored (uncompressed) parts; past
 * it, parts are checked as they inflate and copied compressed, as before (see checkWorkbookZip).
 */
const HELD_INFLATED_BYTES = 32 * 2 ** 20;
const inflateRawOnce = promisify(inflateRaw) as (data: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;

/**
 * ZIP bomb guard: the entry count and the total uncompressed size must be within the limits,
 * as declared in the central directory and as actually inflated (the inflate stops past the
 * declared size). The answer is rebuilt from the central directory, so the reader sees exactly
 * the entries that were checked (it reads local headers in order, and a crafted file could make
 * those disagree with the directory). Parts are inflated once, here: up to `heldInflatedBytes`
 * of them go into the rebuilt ZIP stored (uncompressed); the rest are checked as they inflate
 * (yauzl's streams) and copied compressed.
 */
export async function checkWorkbookZip(buffer: Buffer, limits: ReadLimits, expected: string, heldInflatedBytes = HELD_INFLATED_BYTES): Promise<CheckedWorkbook> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    throw new UnreadableFileError(`The workbook is corrupt (${(err as Error).message}); expected ${expected}`);
  }
  try {
    const entries = await listEntries(zip, limits);
    if (!entries.some((e) => e.fileName === 'xl/workbook.xml')) {
      throw new UnsupportedFileError(`This ZIP file is not an Excel workbook; expected ${expected}`);
    }
    let totalRows = 0;
    let held = 0;
    const parts: ZipPart[] = [];
    for (const entry of entries) {
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      const stored = buffer.subarray(fileDataStart, fileDataStart + entry.compressedSize);
      // Inflate once (issue 16, target 5): a deflated part within the budget is inflated here in
      // one call, checked, and handed to the reader stored, so exceljs does not inflate it a
      // second time (two inflates of every part were about 200 ms of an xlsx import's CPU).
      // The size checks are the streaming path's: no more than declared (maxOutputLength stops
      // the inflate), no less.
      if (entry.compressionMethod === DEFLATED && held + entry.uncompressedSize <= heldInflatedBytes && stored.length === entry.compressedSize) {
        const data = await inflateExactly(entry, stored);
        held += data.length;
        if (XML_PART.test(entry.fileName)) totalRows += scanXmlPart(entry.fileName, data, WORKSHEET.test(entry.fileName));
        parts.push(inflatedPart(entry, data));
        continue;
      }
      const stream = await zip.openReadStreamPromise(entry);
      if (XML_PART.test(entry.fileName)) totalRows += await scanXml(entry.fileName, stream, WORKSHEET.test(entry.fileName));
      else await drain(stream);
      parts.push({ entry, data: stored });
    }
    const sharedStrings = await leanSharedStrings(parts);
    const worksheets = heldWorksheets(parts);
    const kept = worksheets ? parts.filter((p) => !WORKSHEET.test(p.entry.fileNameRaw.toString('utf8'))) : parts;
    return { totalRows, zip: writeZip(readerOrder(kept)), sharedStrings, worksheets };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new UnreadableFileError(`The workbook is corrupt (${(err as Error).message})`);
  } finally {
    zip.close();
  }
}

async function listEntries(zip: yauzl.ZipFile, limits: ReadLimits): Promise<yauzl.Entry[]> {
  if (zip.entryCount > limits.maxZipEntries) {
    throw new FileTooLargeError(`The workbook has ${zip.entryCount} parts; at most ${limits.maxZipEntries} are accepted`);
  }
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.isEncrypted()) throw new UnsupportedFileError('The workbook is encrypted; save it without a password');
    declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw new FileTooLargeError(`The workbook unpacks to more than ${limits.maxUncompressedBytes} bytes; split it or export CSV`);
    }
    entries.push(entry);
  }
  return entries;
}

/** A deflated entry's bytes, inflated: exactly its declared size, or the workbook is corrupt. */
async function inflateExactly(entry: yauzl.Entry, stored: Buffer): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await inflateRawOnce(stored, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (err) {
    throw new UnreadableFileError(`The workbook is corrupt (${entry.fileName}: ${(err as Error).message})`);
  }
  if (data.length !== entry.uncompressedSize) {
    throw new UnreadableFileError(`The workbook is corrupt (${entry.fileName} inflates to ${data.length} bytes, not the ${entry.uncompressedSize} it declares)`);
  }
  return data;
}

/** scanXml's checks over a part already inflated. */
function scanXmlPart(name: string, data: Buffer, countRows: boolean): number {
  if (DTD_TAGS.some((tag) => data.includes(tag))) {
    throw new UnreadableFileError(`The workbook part ${name} declares a DOCTYPE or entities, which Excel never writes; save the workbook again from Excel`);
  }
  let count = 0;
  if (countRows) for (let at = data.indexOf(ROW_TAG); at >= 0; at = data.indexOf(ROW_TAG, at + ROW_TAG.length)) count += 1;
  return count;
}

async function drain(stream: Readable): Promise<void> {
  for await (const chunk of stream) void chunk;
}

/**
 * Reads an XML part as it inflates: refuses a DOCTYPE or ENTITY declaration (billion laughs,
 * external entities; Excel never writes one, and every part exceljs parses passes here), and
 * counts a worksheet's `<row` tags. A tag may straddle two chunks, hence the carried tail.
 */
async function scanXml(name: string, stream: Readable, countRows: boolean): Promise<number> {
  let count = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (DTD_TAGS.some((tag) => data.includes(tag))) {
      throw new UnreadableFileError(`The workbook part ${name} declares a DOCTYPE or entities, which Excel never writes; save the workbook again from Excel`);
    }
    if (countRows) {
      // A tag wholly inside the carried tail was counted with the previous chunk.
      const first = Math.max(0, carry.length - ROW_TAG.length + 1);
      for (let at = data.indexOf(ROW_TAG, first); at >= 0; at = data.indexOf(ROW_TAG, at + ROW_TAG.length)) count += 1;
    }
    carry = data.subarray(Math.max(0, data.length - (LONGEST_TAG - 1)));
  }
  return count;
}

/**
 * The shared strings read by the lean reader (readSharedStrings) from a part held uncompressed,
 * which is then replaced by an empty table: exceljs builds nothing from it, and the worksheets
 * read their `t="s"` cells from the table answered. Null, and the part left to exceljs, when
 * the part is copied compressed (past the held budget) or absent.
 */
async function leanSharedStrings(parts: ZipPart[]): Promise<(string | null)[] | null> {
  const at = parts.findIndex((p) => p.entry.fileNameRaw.toString('utf8') === SHARED_STRINGS);
  if (at < 0 || parts[at].entry.compressionMethod !== STORED) return null;
  const table = await readSharedStrings(parts[at].data);
  parts[at] = storedPart(SHARED_STRINGS, EMPTY_SHARED_STRINGS);
  return table;
}

/**
 * The worksheets, in the ZIP's order, when every one is held inflated (stored), else null. Handed
 * to the lean reader as they are, they are neither copied into the rebuilt ZIP nor streamed
 * through unzipper (which copies each chunk again): one copy of each worksheet's XML per import.
 */
function heldWorksheets(parts: ZipPart[]): { name: string; xml: Buffer }[] | null {
  const sheets = parts.filter((p) => WORKSHEET.test(p.entry.fileNameRaw.toString('utf8')));
  if (sheets.some((p) => p.entry.compressionMethod !== STORED)) return null;
  return sheets.map((p) => ({ name: p.entry.fileNameRaw.toString('utf8'), xml: p.data }));
}

interface ZipPart {
  entry: Pick<yauzl.Entry, 'fileNameRaw' | 'generalPurposeBitFlag' | 'compressionMethod' | 'lastModFileTime' | 'lastModFileDate' | 'crc32' | 'compressedSize' | 'uncompressedSize' | 'versionNeededToExtract'>;
  /** The entry's bytes as the rebuilt ZIP holds them: inflated (stored), or as the upload had them. */
  data: Buffer;
}

/**
 * Worksheets last, in their own order. exceljs streams a worksheet only once it has read
 * the shared strings and the workbook's parts; a worksheet that comes before them (as Excel
 * and exceljs itself write workbooks) is copied to a temporary file and parsed afterwards.
 * A workbook without shared strings gets an empty table, for the same reason.
 */
function readerOrder(parts: ZipPart[]): ZipPart[] {
  const name = (p: ZipPart) => p.entry.fileNameRaw.toString('utf8');
  const sheets = parts.filter((p) => WORKSHEET.test(name(p)));
  const others = parts.filter((p) => !WORKSHEET.test(name(p)));
  if (!others.some((p) => name(p) === SHARED_STRINGS)) others.push(storedPart(SHARED_STRINGS, EMPTY_SHARED_STRINGS));
  return [...others, ...sheets];
}

const EMPTY_SHARED_STRINGS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
  + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>';

/** A checked entry as a stored part: its name, flags and time kept, its bytes uncompressed. */
function inflatedPart(entry: yauzl.Entry, data: Buffer): ZipPart {
  return {
    entry: {
      fileNameRaw: entry.fileNameRaw, generalPurposeBitFlag: entry.generalPurposeBitFlag & ~0x0006, compressionMethod: STORED,
      lastModFileTime: entry.lastModFileTime, lastModFileDate: entry.lastModFileDate, crc32: crc32(data), compressedSize: data.length,
      uncompressedSize: data.length, versionNeededToExtract: 10,
    },
    data,
  };
}

function storedPart(fileName: string, text: string): ZipPart {
  const data = Buffer.from(text, 'utf8');
  return {
    entry: {
      fileNameRaw: Buffer.from(fileName, 'utf8'), generalPurposeBitFlag: 0, compressionMethod: STORED,
      lastModFileTime: 0, lastModFileDate: 0x21, crc32: crc32(data), compressedSize: data.length,
      uncompressedSize: data.length, versionNeededToExtract: 10,
    },
    data,
  };
}

/** Bit 3: sizes and CRC follow the data. Ours are known up front and written in the header. */
const DATA_DESCRIPTOR_FLAG = 0x0008;

/** A plain (non-ZIP64) archive: the limits keep every size and offset far below 4 GiB. */
function writeZip(parts: ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const { entry, data } of parts) {
    const flags = entry.generalPurposeBitFlag & ~DATA_DESCRIPTOR_FLAG;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(entry.versionNeededToExtract, 4);
    writeEntryFields(local, 6, flags, entry);
    local.writeUInt16LE(entry.fileNameRaw.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, entry.fileNameRaw, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.versionNeededToExtract, 4);
    central.writeUInt16LE(entry.versionNeededToExtract, 6);
    writeEntryFields(central, 8, flags, entry);
    central.writeUInt16LE(entry.fileNameRaw.length, 28);
    central.writeUInt32LE(offset, 42);
    directory.push(central, entry.fileNameRaw);
    offset += local.length + entry.fileNameRaw.length + data.length;
  }
  const directorySize = directory.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...directory, end]);
}

/** Flags, method, time, date, CRC and sizes: laid out the same in local and central headers. */
function writeEntryFields(header: Buffer, at: number, flags: number, entry: ZipPart['entry']): void {
  header.writeUInt16LE(flags, at);
  header.writeUInt16LE(entry.compressionMethod, at + 2);
  header.writeUInt16LE(entry.lastModFileTime, at + 4);
  header.writeUInt16LE(entry.lastModFileDate, at + 6);
  header.writeUInt32LE(entry.crc32 >>> 0, at + 8);
  header.writeUInt32LE(entry.compressedSize, at + 12);
  header.writeUInt32LE(entry.uncompressedSize, at + 16);
}
