/**
 * @file Serialises ONNX models (`onnx.proto`, IR version 7) with the hand-written protobuf writer.
 *
 * Only what a small inference graph needs is covered: nodes with int/float/ints attributes,
 * float32/int64 initializers stored as `raw_data`, and graph inputs/outputs whose shapes may mix
 * fixed sizes with symbolic dimension names. Field numbers below are those of `onnx/onnx.proto`.
 */
import {
  bytesField,
  floatField,
  intField,
  messageField,
  repeatedIntField,
  stringField,
} from './protobuf.mjs';

/** `TensorProto.DataType` values used here. */
export const DataType = Object.freeze({ FLOAT: 1, INT64: 7, BOOL: 9 });

/** `AttributeProto.AttributeType` values used here. */
const AttributeType = Object.freeze({ FLOAT: 1, INT: 2, INTS: 7 });

/**
 * @typedef {object} Tensor
 * @property {string} name Initializer name.
 * @property {number} dataType One of {@link DataType}.
 * @property {number[]} dims Shape.
 * @property {Float32Array|BigInt64Array} data Values in row-major order.
 */

/**
 * Copies typed-array values into a little-endian byte buffer, as ONNX `raw_data` requires.
 * Written through a DataView so the result does not depend on the host's endianness.
 * @param {Float32Array|BigInt64Array} data Values.
 * @returns {Buffer}
 */
function toLittleEndian(data) {
  const buf = Buffer.alloc(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  } else {
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, data[i], true);
  }
  return buf;
}

/**
 * Encodes a `TensorProto` (fields: dims=1, data_type=2, name=8, raw_data=9).
 * @param {Tensor} tensor
 * @returns {Buffer[]} The message's fields.
 */
function tensorProto({ name, dataType, dims, data }) {
  return [
    repeatedIntField(1, dims),
    intField(2, dataType),
    stringField(8, name),
    bytesField(9, toLittleEndian(data)),
  ];
}

/**
 * Encodes an `AttributeProto` (name=1, f=2, i=3, ints=8, type=20). The attribute kind is inferred
 * from the JavaScript value: arrays become INTS, integers INT, other numbers FLOAT. Use
 * {@link float} to force FLOAT for a whole number such as `1.0`.
 * @param {string} name Attribute name.
 * @param {number|number[]|{float:number}} value Attribute value.
 * @returns {Buffer[]}
 */
function attributeProto(name, value) {
  const fields = [stringField(1, name)];
  if (Array.isArray(value)) {
    fields.push(repeatedIntField(8, value), intField(20, AttributeType.INTS));
  } else if (typeof value === 'object') {
    fields.push(floatField(2, value.float), intField(20, AttributeType.FLOAT));
  } else if (Number.isInteger(value)) {
    fields.push(intField(3, value), intField(20, AttributeType.INT));
  } else {
    fields.push(floatField(2, value), intField(20, AttributeType.FLOAT));
  }
  return fields;
}

/**
 * Marks a number as a FLOAT attribute even when it is integral.
 * @param {number} value
 * @returns {{float:number}}
 */
export function float(value) {
  return { float: value };
}

/**
 * Encodes a `ValueInfoProto` for a tensor: name=1, type=2 → TypeProto.tensor_type=1 →
 * {elem_type=1, shape=2 → TensorShapeProto.dim=1 → {dim_value=1 | dim_param=2}}.
 * @param {string} name Value name.
 * @param {number} elemType One of {@link DataType}.
 * @param {Array<number|string>} dims Fixed sizes (numbers) or symbolic names (strings).
 * @returns {Buffer[]}
 */
function valueInfoProto(name, elemType, dims) {
  const dimFields = dims.map((d) =>
    messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]),
  );
  const tensorType = [intField(1, elemType), messageField(2, dimFields)];
  return [stringField(1, name), messageField(2, [messageField(1, tensorType)])];
}

/**
 * Accumulates nodes, initializers and graph inputs/outputs, and generates unique value names.
 * Each `op()` call appends one node; nodes must be added in topological order (ONNX requires it).
 */
export class GraphBuilder {
  /** @param {string} name Graph name. */
  constructor(name) {
    this.name = name;
    /** @type {Buffer[]} */ this.nodes = [];
    /** @type {Buffer[]} */ this.initializers = [];
    /** @type {Buffer[]} */ this.inputs = [];
    /** @type {Buffer[]} */ this.outputs = [];
    /** @type {Map<string, number>} */ this.counters = new Map();
    /** Bytes of initializer data, for reporting. */
    this.parameterBytes = 0;
    /** Number of float parameters (weights), for reporting. */
    this.parameterCount = 0;
  }

  /**
   * Returns a fresh value name `${base}` or `${base}_N` if `base` was taken.
   * @param {string} base
   * @returns {string}
   */
  unique(base) {
    const n = this.counters.get(base) ?? 0;
    this.counters.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  /**
   * Declares a graph input.
   * @param {string} name
   * @param {number} elemType
   * @param {Array<number|string>} dims
   * @returns {string} The input name, for wiring.
   */
  input(name, elemType, dims) {
    this.inputs.push(messageField(11, valueInfoProto(name, elemType, dims)));
    return name;
  }

  /**
   * Declares a graph output. The value must be produced by some node under exactly this name.
   * @param {string} name
   * @param {number} elemType
   * @param {Array<number|string>} dims
   * @returns {string}
   */
  output(name, elemType, dims) {
    this.outputs.push(messageField(12, valueInfoProto(name, elemType, dims)));
    return name;
  }

  /**
   * Adds an initializer (a constant tensor stored in the model).
   * @param {string} name Base name (made unique).
   * @param {number[]} dims Shape.
   * @param {Float32Array|BigInt64Array} data Values.
   * @returns {string} The initializer's name.
   */
  initializer(name, dims, data) {
    const unique = this.unique(name);
    const dataType = data instanceof Float32Array ? DataType.FLOAT : DataType.INT64;
    this.initializers.push(messageField(5, tensorProto({ name: unique, dataType, dims, data })));
    this.parameterBytes += data.byteLength;
    if (dataType === DataType.FLOAT) this.parameterCount += data.length;
    return unique;
  }

  /**
   * Adds an int64 constant (shapes, axes, indices). A scalar when `dims` is `[]`.
   * @param {string} name
   * @param {number[]} values
   * @param {number[]} [dims] Defaults to a 1-D tensor of `values.length`.
   * @returns {string}
   */
  int64(name, values, dims = [values.length]) {
    return this.initializer(
      name,
      dims,
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  /**
   * Adds a float32 constant. A scalar when `dims` is `[]`.
   * @param {string} name
   * @param {number[]|Float32Array} values
   * @param {number[]} [dims]
   * @returns {string}
   */
  float32(name, values, dims = [values.length]) {
    return this.initializer(name, dims, Float32Array.from(values));
  }

  /**
   * Appends a node (NodeProto: input=1, output=2, name=3, op_type=4, attribute=5).
   * @param {string} opType Operator, from the default ONNX domain.
   * @param {string[]} inputs Input value names ('' for an omitted optional input).
   * @param {object} [options]
   * @param {Record<string, number|number[]|{float:number}>} [options.attrs] Attributes.
   * @param {string} [options.name] Base name for the node and its output(s).
   * @param {number|string[]} [options.outputs] Output count, or explicit output names.
   * @returns {string[]} Output value names.
   */
  op(opType, inputs, { attrs = {}, name = opType, outputs = 1 } = {}) {
    const nodeName = this.unique(name);
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => (i === 0 ? nodeName : `${nodeName}:${i}`))
        : outputs;
    const fields = [
      ...inputs.map((i) => stringField(1, i)),
      ...outNames.map((o) => stringField(2, o)),
      stringField(3, nodeName),
      stringField(4, opType),
      ...Object.entries(attrs).map(([k, v]) => messageField(5, attributeProto(k, v))),
    ];
    this.nodes.push(messageField(1, fields));
    return outNames;
  }

  /**
   * Like {@link op} for single-output nodes: returns the one output name.
   * @param {string} opType
   * @param {string[]} inputs
   * @param {Parameters<GraphBuilder['op']>[2]} [options]
   * @returns {string}
   */
  op1(opType, inputs, options) {
    return this.op(opType, inputs, options)[0];
  }

  /**
   * Encodes the GraphProto fields (node=1, name=2, initializer=5, input=11, output=12).
   * @returns {Buffer[]}
   */
  encode() {
    return [...this.nodes, stringField(2, this.name), ...this.initializers, ...this.inputs, ...this.outputs];
  }
}

/**
 * Encodes a complete `ModelProto` (ir_version=1, producer_name=2, producer_version=3, graph=7,
 * opset_import=8 → {domain=1, version=2}).
 * @param {GraphBuilder} graph
 * @param {object} options
 * @param {number} options.opset Default-domain opset version.
 * @param {number} [options.irVersion] IR version (7 pairs with opsets 13–14).
 * @param {string} [options.producer]
 * @returns {Buffer} The `.onnx` file contents.
 */
export function encodeModel(graph, { opset, irVersion = 7, producer = 'slm-elements' }) {
  return Buffer.concat([
    intField(1, irVersion),
    stringField(2, producer),
    stringField(3, '1'),
    messageField(7, graph.encode()),
    // The default domain is the empty string; omitting `domain` means exactly that.
    messageField(8, [intField(2, opset)]),
  ]);
}
