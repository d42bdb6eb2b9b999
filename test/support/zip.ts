import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Lie about the size in the headers (a forged ZIP bomb); default the truth. */
  declaredSize?: number;
}

/**
 * A minimal ZIP writer (deflate, no data descriptors) for hostile test fixtures that a proper
 * archiver refuses to make: bombs, forged sizes, thousands of entries.
 */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const compressed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The entries of a ZIP (inflated), in order: to take a real workbook apart and tamper with one part. */
export async function unzip(buffer: Buffer): Promise<ZipEntry[]> {
  const yauzl = await import('yauzl');
  const archive = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of archive.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await archive.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
    }
  } finally {
    archive.close();
  }
  return entries;
}

/** The same workbook with the named part's XML rewritten (a DOCTYPE slipped in, a NUL in a string). */
export async function tamperPart(buffer: Buffer, name: string, rewrite: (xml: string) => string): Promise<Buffer> {
  const entries = await unzip(buffer);
  if (!entries.some((e) => e.name === name)) throw new Error(`no part ${name} in the workbook`);
  return zip(entries.map((e) => (e.name === name ? { name, data: Buffer.from(rewrite(e.data.toString('utf8')), 'utf8') } : e)));
}
