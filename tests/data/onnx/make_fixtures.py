#!/usr/bin/python3
# Writes the ONNX fixtures of tests/core/io/tst_onnx.cpp with Debian's python3-onnx (1.12) and
# the float32 values QuantScope must load from each initializer as expected/<model>__<name>.npy.
#   /usr/bin/python3 tests/data/onnx/make_fixtures.py   (from anywhere; writes next to itself)
# onnx 1.12 predates the float8 types, so those initializers set data_type 17 (FLOAT8E4M3FN)
# and 19 (FLOAT8E5M2) of the ONNX specification by number; their expected values come from the
# formats' definitions, written out below. The same holds for INT4 (22) and UINT4 (21): two
# elements a byte, the first in the low nibble, in raw_data and in int32_data alike.
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
FLOAT8E4M3FN, FLOAT8E5M2, UINT4, INT4 = 17, 19, 21, 22


def e4m3fn(b):
    s, e, m = b >> 7, (b >> 3) & 15, b & 7
    v = m / 8 * 2.0 ** -6 if e == 0 else (1 + m / 8) * 2.0 ** (e - 7)
    return -v if s else v


def e5m2(b):
    s, e, m = b >> 7, (b >> 2) & 31, b & 3
    if e == 31:
        v = float("inf")  # only m == 0 is used here
    else:
        v = m / 4 * 2.0 ** -14 if e == 0 else (1 + m / 4) * 2.0 ** (e - 15)
    return -v if s else v


F32 = np.array([[1.5, -2.0, 0.1], [3.4028235e38, -1e-45, 0.0]], dtype=np.float32)
F16 = np.array([0.1, -65504, 6e-8, 1.0, np.inf], dtype=np.float16)
BF16_BITS = np.array([0x3F80, 0xC000, 0x3DCD, 0x0001, 0x7F80], dtype=np.uint16)
F64 = np.array([[0.1, -1e300], [1e-50, 2.5]], dtype=np.float64)
I8 = np.array([-128, -1, 0, 127], dtype=np.int8)
U8 = np.array([0, 1, 200, 255], dtype=np.uint8)
I16 = np.array([-32768, 5, 32767], dtype=np.int16)
I32 = np.array([-2147483648, 16777217, 7], dtype=np.int32)
I64 = np.array([2**40 + 1, -3, 2**62], dtype=np.int64)
F8_BITS = np.array([0x00, 0x01, 0x38, 0x7E, 0xFE, 0x80 | 0x3C], dtype=np.uint8)
F8E5_BITS = np.array([0x00, 0x01, 0x3C, 0x7B, 0x7C, 0xFC], dtype=np.uint8)
I4 = np.array([-8, -1, 0, 7, 3], dtype=np.int8)  # an odd count: the last high nibble is unused
U4 = np.array([0, 15, 9, 1], dtype=np.uint8)


def pack4(values):
    nibbles = [int(v) & 15 for v in values] + [0] * (len(values) % 2)
    return [nibbles[i] | nibbles[i + 1] << 4 for i in range(0, len(nibbles), 2)]


def bf16_float(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


# name, ONNX data type, dims, raw little-endian bytes, typed field, typed values, expected float32
CASES = [
    ("f32", TensorProto.FLOAT, F32.shape, F32.tobytes(), "float_data", F32.ravel().tolist(), F32),
    ("f16", TensorProto.FLOAT16, F16.shape, F16.tobytes(), "int32_data",
     F16.view(np.uint16).tolist(), F16.astype(np.float32)),
    ("bf16", TensorProto.BFLOAT16, BF16_BITS.shape, BF16_BITS.tobytes(), "int32_data",
     BF16_BITS.tolist(), bf16_float(BF16_BITS)),
    ("f64", TensorProto.DOUBLE, F64.shape, F64.tobytes(), "double_data", F64.ravel().tolist(),
     F64.astype(np.float32)),
    ("i8", TensorProto.INT8, I8.shape, I8.tobytes(), "int32_data", I8.tolist(), I8.astype(np.float32)),
    ("u8", TensorProto.UINT8, U8.shape, U8.tobytes(), "int32_data", U8.tolist(), U8.astype(np.float32)),
    ("i16", TensorProto.INT16, I16.shape, I16.tobytes(), "int32_data", I16.tolist(),
     I16.astype(np.float32)),
    ("i32", TensorProto.INT32, I32.shape, I32.tobytes(), "int32_data", I32.tolist(),
     I32.astype(np.float32)),
    ("i64", TensorProto.INT64, I64.shape, I64.tobytes(), "int64_data", I64.tolist(),
     I64.astype(np.float32)),
    ("f8e4m3fn", FLOAT8E4M3FN, F8_BITS.shape, F8_BITS.tobytes(), "int32_data", F8_BITS.tolist(),
     np.array([e4m3fn(int(b)) for b in F8_BITS], dtype=np.float32)),
    ("f8e5m2", FLOAT8E5M2, F8E5_BITS.shape, F8E5_BITS.tobytes(), "int32_data", F8E5_BITS.tolist(),
     np.array([e5m2(int(b)) for b in F8E5_BITS], dtype=np.float32)),
    ("i4", INT4, I4.shape, bytes(pack4(I4)), "int32_data", pack4(I4), I4.astype(np.float32)),
    ("u4", UINT4, U4.shape, bytes(pack4(U4)), "int32_data", pack4(U4), U4.astype(np.float32)),
]


def tensor(name, dtype, dims, raw=None, field=None, values=None):
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    if raw is not None:
        t.raw_data = raw
    if field is not None:
        getattr(t, field).extend(values)
    return t


def external(name, dtype, dims, location, offset=None, length=None):
    t = tensor(name, dtype, dims)
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    return t


def save(model_name, initializers, nodes=(), expected=None):
    graph = helper.make_graph(list(nodes), model_name, [], [], initializer=initializers)
    model = helper.make_model(graph, producer_name="quantscope-fixtures")
    with open(os.path.join(HERE, model_name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for name, values in (expected or {}).items():
        np.save(os.path.join(EXPECTED, "%s__%s.npy" % (model_name, name)),
                np.ascontiguousarray(values, dtype=np.float32))


def main():
    os.makedirs(EXPECTED, exist_ok=True)
    save("dtypes_raw", [tensor(n, d, s, raw=r) for n, d, s, r, _, _, _ in CASES],
         expected={n: e for n, _, _, _, _, _, e in CASES})
    save("dtypes_typed", [tensor(n, d, s, field=f, values=v) for n, d, s, _, f, v, _ in CASES],
         expected={n: e for n, _, _, _, _, _, e in CASES})

    # Two initializers in one side file, the second at an offset, the first without length.
    w = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
    b = np.array([-1.5, 2.25], dtype=np.float16)
    with open(os.path.join(HERE, "external.bin"), "wb") as f:
        f.write(b.tobytes() + bytes(4) + w.tobytes())
    save("external", [external("bias", TensorProto.FLOAT16, b.shape, "external.bin", 0, 4),
                      external("weight", TensorProto.FLOAT, w.shape, "external.bin", 8)],
         expected={"bias": b.astype(np.float32), "weight": w})

    # Quantized weights: int8 per tensor, uint8 per axis 0 (a scale per row), int4 in blocks of
    # 2 along axis 1 without a zero point.
    q = np.array([[-128, -5, 0], [3, 64, 127]], dtype=np.int8)
    u = np.array([[0, 10], [128, 255], [7, 9]], dtype=np.uint8)
    inits = [numpy_helper.from_array(q, "wq"), numpy_helper.from_array(np.float32(0.05), "wq_scale"),
             numpy_helper.from_array(np.int8(0), "wq_zero"), numpy_helper.from_array(u, "wu"),
             numpy_helper.from_array(np.array([0.1, 0.2, 0.3], np.float32), "wu_scale"),
             numpy_helper.from_array(np.array([128, 120, 0], np.uint8), "wu_zero"),
             tensor("w4", INT4, [2, 4], raw=bytes(pack4([-8, 7, 1, -2, 0, 3, -1, 5]))),
             numpy_helper.from_array(np.array([[0.5, 2], [1, 0.75]], np.float32), "w4_scale")]
    nodes = [helper.make_node("DequantizeLinear", ["wq", "wq_scale", "wq_zero"], ["wq_f"]),
             helper.make_node("DequantizeLinear", ["wu", "wu_scale", "wu_zero"], ["wu_f"], axis=0),
             helper.make_node("DequantizeLinear", ["w4", "w4_scale"], ["w4_f"], axis=1,
                              block_size=2)]
    save("dequantize", inits, nodes, expected={
        "wq": q.astype(np.float32), "wu": u.astype(np.float32),
        "w4": np.array([[-8, 7, 1, -2], [0, 3, -1, 5]], np.float32)})

    # Malformed models: each must be refused with a message naming the problem.
    save("bad_location", [external("w", TensorProto.FLOAT, [2], "../external.bin", 8, 8)])
    save("bad_subfolder", [external("w", TensorProto.FLOAT, [2], "expected/x.bin", 0, 8)])
    save("bad_offset", [external("w", TensorProto.FLOAT, [2], "external.bin", 4096, 8)])
    save("bad_length", [external("w", TensorProto.FLOAT, [2], "external.bin", 56, 8)])
    save("bad_size", [tensor("w", TensorProto.FLOAT, [2, 3], raw=bytes(20))])
    save("bad_count", [tensor("w", TensorProto.INT64, [4], field="int64_data", values=[1, 2, 3])])
    save("bad_range", [tensor("w", TensorProto.INT8, [2], field="int32_data", values=[1, 300])])
    save("bad_packed", [tensor("w", INT4, [5], field="int32_data", values=[1, 2])])
    save("bad_dims", [tensor("w", TensorProto.FLOAT, [2, -1], raw=bytes(8))])
    save("bad_overflow", [tensor("w", TensorProto.FLOAT, [2**40, 2**40], raw=bytes(8))])
    save("bad_dtype", [tensor("s", TensorProto.STRING, [1], field="string_data", values=[b"x"])])


if __name__ == "__main__":
    main()
