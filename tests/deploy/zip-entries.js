// @ts-check
const fs = require('node:fs');
const zlib = require('node:zlib');

/**
 * @typedef {{ name: string; size: number; read: () => Buffer }} ZipEntry
 */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * The files in a zip archive, read with nothing but node:zlib: a Lambda bundle is one small zip,
 * and neither the test nor the bench should need an unzip binary or another dependency.
 * @param {string} file
 * @returns {ZipEntry[]}
 */
function zipEntries(file) {
  const zip = fs.readFileSync(file);
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment.
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end -= 1;
  if (end < 0) throw new Error(`${file} is not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);

  /** @type {ZipEntry[]} */
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`${file}: broken central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    const read = () => {
      if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`${file}: broken entry ${name}`);
      const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return zlib.inflateRawSync(data);
      throw new Error(`${file}: entry ${name} uses compression method ${method}`);
    };
    entries.push({ name, size, read });
  }
  return entries;
}

module.exports = { zipEntries };
