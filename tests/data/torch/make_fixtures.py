#!/usr/bin/python3
"""Writes the PyTorch checkpoint fixtures of tests/core/io/tst_torch.cpp.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_fixtures.py
Checkpoints are written with torch.save; expected values go to expected/<fixture>/<name>.npy as
float32 (what QuantScope loads). The hostile checkpoints hold pickles that would run a command
if unpickled by Python; QuantScope must refuse them without running anything.
"""
import collections
import io
import os
import pickle
import shutil
import subprocess
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# The file the hostile pickles try to create (tst_torch checks it never appears).
PWNED = "/tmp/qs-torch-pwned"


def expected(fixture, tensors):
    d = os.path.join(HERE, "expected", fixture)
    os.makedirs(d, exist_ok=True)
    for name, t in tensors.items():
        np.save(os.path.join(d, name + ".npy"), t.detach().to(torch.float32).numpy())


def save(fixture, obj, tensors):
    torch.save(obj, os.path.join(HERE, fixture + ".pt"))
    expected(fixture, tensors)


def model():
    torch.manual_seed(7)
    return torch.nn.Sequential(collections.OrderedDict(fc=torch.nn.Linear(4, 3)))


def fixtures():
    sd = model().state_dict()
    save("state_dict", sd, dict(sd))

    param = torch.nn.Parameter(torch.tensor([0.5, -1.25, 3.0]))
    save("nested", {"model": sd, "epoch": 3, "lr": 0.5, "tag": "run", "params": [param]},
         {"model.fc.weight": sd["fc.weight"], "model.fc.bias": sd["fc.bias"], "params.0": param})

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 4 - 2
    views = {"base": base, "transposed": base.t(), "sliced": base[1:3, ::2], "row": base[2]}
    save("views", views, views)

    g = torch.Generator().manual_seed(3)
    r = torch.randn(2, 5, generator=g) * 10
    dtypes = {
        "f16": r.half(), "bf16": r.bfloat16(), "f64": r.double() / 3,
        "i8": torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "i16": torch.tensor([-32768, 7, 32767], dtype=torch.int16),
        "i32": torch.tensor([[-5, 6], [2**31 - 1, -2**31]], dtype=torch.int32),
        "i64": torch.tensor([-3, 2**40 + 1], dtype=torch.int64),
        "b": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
    }
    save("dtypes", dtypes, dtypes)

    t = torch.linspace(-1, 1, 6).reshape(2, 3)
    save("tensor", t, {"tensor": t})

    # The same checkpoint with every member deflated (torch itself stores them).
    with zipfile.ZipFile(os.path.join(HERE, "state_dict.pt")) as src, \
            zipfile.ZipFile(os.path.join(HERE, "deflated.pt"), "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    shutil.copytree(os.path.join(HERE, "expected", "state_dict"),
                    os.path.join(HERE, "expected", "deflated"), dirs_exist_ok=True)

    torch.save(sd, os.path.join(HERE, "legacy.pt"), _use_new_zipfile_serialization=False)


class Call:
    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def hostile(fixture, payload):
    with zipfile.ZipFile(os.path.join(HERE, fixture + ".pt"), "w") as z:
        z.writestr(fixture + "/data.pkl", payload)
        z.writestr(fixture + "/version", "3\n")


def hostiles():
    hostile("os_system", pickle.dumps({"w": Call(os.system, "touch " + PWNED)}, protocol=2))
    hostile("eval", pickle.dumps(Call(eval, "__import__('os').system('touch %s')" % PWNED),
                                 protocol=2, fix_imports=False))
    hostile("exec", pickle.dumps(Call(exec, "import os; os.system('touch %s')" % PWNED),
                                 protocol=2, fix_imports=False))
    hostile("popen", pickle.dumps(Call(subprocess.Popen, ["touch", PWNED]), protocol=2,
                                 fix_imports=False))
    # STACK_GLOBAL (protocol 4) reaches os.system without a GLOBAL opcode.
    command = ("touch " + PWNED).encode()
    hostile("stack_global", b"\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c" +
            bytes([len(command)]) + command + b"\x85R.")
    hostile("unknown_opcode", b"\x80\x02}q\x00\xff.")


if __name__ == "__main__":
    shutil.rmtree(os.path.join(HERE, "expected"), ignore_errors=True)
    fixtures()
    hostiles()
