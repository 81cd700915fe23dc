#!/usr/bin/env python3
"""Writes small valid seed files for the readers' fuzz harnesses into tests/fuzz/corpus/<reader>/
(npy, npz, safetensors and its index, gguf, csv, torch and pickle from the committed checkpoints,
onnx from the committed fixtures, lessons from resources/lessons, sessions written here).
Run from the repository root; scripts/fuzz --update-seeds then minimizes each folder."""
import glob, json, shutil
import os, struct, sys, zlib
import zipfile as ziplib
root, torch_dir = "tests/fuzz/corpus", "tests/data/torch"

def npy(descr, shape, data, fortran=False, major=1):
    shp = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shp)
    pre = 10 if major == 1 else 12
    pad = (-(pre + len(d) + 1)) % 64
    d = (d + " " * pad + "\n").encode()
    n = struct.pack("<H", len(d)) if major == 1 else struct.pack("<I", len(d))
    return b"\x93NUMPY" + bytes([major, 0]) + n + d + data

def zipfile(members):
    out, cd = b"", b""
    for name, data, deflate in members:
        payload = data
        if deflate:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
        crc = zlib.crc32(data)
        method = 8 if deflate else 0
        off = len(out)
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(payload))
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, method, 0, 0, crc,
                           0xffffffff, 0xffffffff, len(name), len(extra)) + name + extra + payload
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, method, 0, 0, crc,
                          len(payload), len(data), len(name), 0, 0, 0, 0, 0, off) + name
    return out + cd + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(members), len(members),
                                  len(cd), len(out), 0)

def st(entries):
    import json
    hdr, data = {"__metadata__": {"format": "pt"}}, b""
    for name, dtype, shape, raw in entries:
        hdr[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(hdr).encode()
    return struct.pack("<Q", len(h)) + h + data

f4 = struct.pack("<6f", 1.5, -2, 0.25, 3, 0, 7)

def gguf(version, kvs, tensors, alignment=32):
    def s(x):
        return struct.pack("<Q", len(x)) + x
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs))
    for key, vtype, payload in kvs:
        out += s(key) + struct.pack("<I", vtype) + payload
    data = b""
    for name, ne, gtype, raw in tensors:
        out += s(name) + struct.pack("<I", len(ne)) + struct.pack("<%dQ" % len(ne), *ne)
        out += struct.pack("<IQ", gtype, len(data))
        data += raw + b"\0" * (-len(raw) % alignment)
    return out + b"\0" * (-len(out) % alignment) + data

gguf_kvs = [(b"general.architecture", 8, struct.pack("<Q", 5) + b"llama"),
            (b"general.alignment", 4, struct.pack("<I", 32)),
            (b"tokenizer.ggml.scores", 9, struct.pack("<IQ2f", 6, 2, 0.5, -1)),
            (b"nested", 9, struct.pack("<IQ", 9, 1) + struct.pack("<IQ", 8, 1) + struct.pack("<Q", 1) + b"a")]
blocks = bytes((i * 37 + 5) & 0xFF for i in range(210 * 2))

seeds = {
    "npy": {
        "f4": npy("<f4", [2, 3], f4),
        "be_i2_fortran": npy(">i2", [3, 2], struct.pack(">6h", 1, -2, 3, 4, 5, 6), True),
        "v2_u1": npy("|u1", [4], bytes([0, 1, 2, 255]), major=2),
        "v3_f8_scalar": npy("<f8", [], struct.pack("<d", 0.1), major=3),
        "b1": npy("|b1", [2, 2], bytes([0, 1, 1, 0])),
    },
    "npz": {
        "stored": zipfile([(b"arr_0.npy", npy("<f4", [2, 3], f4), False),
                           (b"b.npy", npy("<i8", [2], struct.pack("<2q", 5, -6)), False)]),
        "deflated": zipfile([(b"w.npy", npy("<f2", [8], bytes(16)), True)]),
    },
    "safetensors": {
        "mixed": st([("a", "F32", [2, 3], f4), ("b", "BF16", [2], b"\x80\x3f\x00\xc0"),
                     ("c", "F8_E4M3", [3], b"\x38\x7e\x01"), ("d", "I64", [1], struct.pack("<q", -3)),
                     ("e", "BOOL", [2], b"\x00\x01")]),
    },
    "safetensors_index": {
        "two_shards": b'{"metadata": {"total_size": 40}, "weight_map": {"a": '
                      b'"model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors", '
                      b'"c": "model-00002-of-00002.safetensors"}}',
        "escape": b'{"weight_map": {"a": "../x.safetensors"}}',
    },
    "gguf": {
        "plain": gguf(3, gguf_kvs, [(b"a", [3, 2], 0, f4), (b"b", [2], 1, b"\x00\x3c\x00\xc0"),
                                    (b"c", [2], 30, b"\x80\x3f\x00\xc0")]),
        "v2_quant": gguf(2, gguf_kvs[:1], [(b"q4_0", [32], 2, blocks[:18]), (b"q8_0", [32, 2], 8, blocks[:68]),
                                           (b"q5_1", [32], 7, blocks[:24]), (b"iq4_nl", [32], 20, blocks[:18])]),
        "k_quants": gguf(3, [], [(b"q2_k", [256], 10, blocks[:84]), (b"q3_k", [256], 11, blocks[:110]),
                                 (b"q4_k", [256], 12, blocks[:144]), (b"q5_k", [256], 13, blocks[:176]),
                                 (b"q6_k", [256], 14, blocks[:210]), (b"iq4_xs", [256], 23, blocks[:136])]),
        "align64": gguf(3, [(b"general.alignment", 4, struct.pack("<I", 64))],
                        [(b"t", [4], 0, f4[:16]), (b"u", [2], 28, struct.pack("<2d", 1.5, -3))], 64),
    },
    "csv": {
        "comma_header": b"a,b,c\n1,2,3\n4.5,nan,-inf\n",
        "spaces": b"# comment\n1 2\n3 4\n",
        "semicolon": b"1;2\n3;4\n",
        "tab_column": b"1\n2\n3e5\n",
    },
}
# PyTorch: the committed checkpoints (tests/data/torch) and their bare pickles.
seeds["torch"], seeds["pickle"] = {}, {}
for name in sorted(os.listdir(torch_dir)):
    if name.endswith(".pt"):
        with open(os.path.join(torch_dir, name), "rb") as f:
            seeds["torch"][name] = f.read()
        if ziplib.is_zipfile(os.path.join(torch_dir, name)):
            with ziplib.ZipFile(os.path.join(torch_dir, name)) as z:
                for member in z.namelist():
                    if member.endswith("/data.pkl"):
                        seeds["pickle"][name + ".pkl"] = z.read(member)

# ONNX: the committed fixtures written by python3-onnx (tests/data/onnx/make_fixtures.py).
seeds["onnx"] = {}
for path in sorted(glob.glob("tests/data/onnx/*.onnx")):
    with open(path, "rb") as f:
        seeds["onnx"][os.path.basename(path)] = f.read()

# Lessons: the built-in ones and small hand-written ones (steps, values, dataset, image).
seeds["lesson"] = {}
lesson_configs = []
for path in sorted(glob.glob("resources/lessons/*.json")):
    with open(path, "rb") as f:
        text = f.read()
    seeds["lesson"][os.path.basename(path)] = text
    lesson_configs.append(json.loads(text)["config"])
seeds["lesson"]["values_steps.json"] = json.dumps({
    "id": "v", "title": "t", "source": {"values": [1, -2, 3.5, 0], "shape": [2, 2]},
    "config": {"bits": 4, "scheme": "symmetric"}, "chart": "codes",
    "steps": [{"caption": "a", "config": {"bits": 2}, "expect": {"scale": 1.75, "codes": [1, -1, 2, 0]}},
              {"caption": "b", "source": {"dataset": "uniform-10"}, "chart": "histogram"}]}).encode()
seeds["lesson"]["image.json"] = json.dumps({
    "id": "i", "title": "t", "source": {"image": {"width": 16, "height": 8}},
    "config": {"bits": 3, "granularity": "channel"}, "chart": "image",
    "image": {"granularity": "block", "block_size": 4},
    "expect": {"mse_range": [0, 1], "levels_used": 8}}).encode()

# Sessions: a generated source with every generator key, and files with members, carrying the
# configurations of the built-in lessons.
seeds["session"] = {}
for i, config in enumerate(lesson_configs[:6]):
    if i % 2 == 0:
        source = {"kind": "generate", "generator": {
            "distribution": ["normal", "uniform", "laplace"][i % 3], "shape": [64, 8], "seed": i,
            "low": -1, "high": 2, "mean": 0, "std": 1, "he_scale": 2, "fan_mode": "fan_in",
            "separation": 4, "decimals": -1, "outliers": 1, "outlier_value": 6,
            "outlier_position": "end", "name": "x"}}
    else:
        source = {"kind": "file", "path": "weights.npz", "member": "w", "grayscale": i > 2}
    view = {"tab": ["values", "histogram", "error-histogram"][i % 3], "error_bins": 101,
            "value_bins": 256}
    seeds["session"]["session%d.qscope" % i] = json.dumps({
        "format": "quantscope-session", "version": 1, "source": source, "config": config,
        "view": view}, indent=1).encode()

for loader, files in seeds.items():
    d = os.path.join(root, loader)
    os.makedirs(d, exist_ok=True)
    if os.listdir(d):
        continue
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
