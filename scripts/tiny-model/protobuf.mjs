/**
 * @file A minimal Protocol Buffers *writer*: just enough of the wire format to serialise ONNX
 * models without a schema compiler or a runtime dependency.
 *
 * Messages are built bottom-up: every helper returns a `Buffer` holding one encoded field (tag +
 * payload), and a message is simply the concatenation of its fields. Nested messages are
 * length-delimited fields whose payload is such a concatenation. Field order inside a message does
 * not matter to decoders, but we always emit fields in the same order so output is byte-stable.
 */

/** Protobuf wire types (the low three bits of a field tag). */
const WIRE = Object.freeze({ VARINT: 0, FIXED64: 1, LEN: 2, FIXED32: 5 });

/**
 * Encodes an unsigned or signed integer as a base-128 varint.
 * Negative numbers are written as 64-bit two's complement (ten bytes), which is what protobuf
 * requires for `int64`/`int32` fields; ONNX uses negative values for axes such as `-1`.
 * @param {number|bigint} value Integer to encode (must be a safe integer when given as a number).
 * @returns {Buffer} The varint bytes.
 */
export function varint(value) {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // two's complement over 64 bits
  const bytes = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0n);
  return Buffer.from(bytes);
}

/**
 * Encodes a field tag (field number + wire type).
 * @param {number} field Field number from the `.proto` schema.
 * @param {number} wire Wire type, one of {@link WIRE}.
 * @returns {Buffer}
 */
function tag(field, wire) {
  return varint((field << 3) | wire);
}

/**
 * An integer field (`int32`, `int64`, enum, bool).
 * @param {number} field Field number.
 * @param {number|bigint} value Value.
 * @returns {Buffer}
 */
export function intField(field, value) {
  return Buffer.concat([tag(field, WIRE.VARINT), varint(value)]);
}

/**
 * A `float` field (fixed 32-bit little-endian IEEE 754).
 * @param {number} field Field number.
 * @param {number} value Value (rounded to float32).
 * @returns {Buffer}
 */
export function floatField(field, value) {
  const payload = Buffer.alloc(4);
  payload.writeFloatLE(value, 0);
  return Buffer.concat([tag(field, WIRE.FIXED32), payload]);
}

/**
 * A length-delimited field carrying raw bytes (`bytes`, or an already encoded sub-message).
 * @param {number} field Field number.
 * @param {Buffer|Uint8Array} payload Bytes.
 * @returns {Buffer}
 */
export function bytesField(field, payload) {
  return Buffer.concat([tag(field, WIRE.LEN), varint(payload.length), payload]);
}

/**
 * A `string` field (UTF-8, length-delimited).
 * @param {number} field Field number.
 * @param {string} value Value.
 * @returns {Buffer}
 */
export function stringField(field, value) {
  return bytesField(field, Buffer.from(value, 'utf8'));
}

/**
 * An embedded message field: concatenates the sub-message's fields and wraps them.
 * @param {number} field Field number.
 * @param {Buffer[]} parts Already encoded fields of the sub-message.
 * @returns {Buffer}
 */
export function messageField(field, parts) {
  return bytesField(field, Buffer.concat(parts));
}

/**
 * A repeated integer field, *unpacked* (one tag per element). `onnx.proto` is proto2 syntax, where
 * repeated scalars are unpacked unless declared `[packed = true]`; parsers accept both forms, but
 * writing what the schema declares keeps us compatible with strict readers too.
 * @param {number} field Field number.
 * @param {Array<number|bigint>} values Values.
 * @returns {Buffer}
 */
export function repeatedIntField(field, values) {
  return Buffer.concat(values.map((v) => intField(field, v)));
}
