// Tests of the PyTorch checkpoint reader: fixtures written by torch.save (tests/data/torch,
// made by make_fixtures.py) must load bit for bit as the float32 values PyTorch gives;
// hostile checkpoints (os.system, eval, exec, subprocess, STACK_GLOBAL, unknown opcodes) are
// refused without running anything; pickles and zips built byte by byte here check each
// opcode-level and view-level error.
#include "core/base/error.h"
#include "core/io/npy.h"
#include "core/io/pickle.h"
#include "core/io/tensor_file.h"
#include "core/io/torch_checkpoint.h"

#include <QtTest>

#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace qs;
using namespace std::string_literals;

namespace {

const std::string kDir = QS_SOURCE_DIR "/tests/data/torch/";
// The file the hostile fixtures try to create (make_fixtures.py).
const char* kPwned = "/tmp/qs-torch-pwned";

using Bytes = std::string;

Bytes le(uint64_t v, int n)
{
    Bytes b;
    for (int i = 0; i < n; ++i)
        b += static_cast<char>((v >> (8 * i)) & 0xff);
    return b;
}

uint32_t crc32(const Bytes& s)
{
    uint32_t c = 0xffffffffu;
    for (unsigned char byte : s) {
        c ^= byte;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

// A zip of stored members, as torch.save writes them.
Bytes zip(const std::vector<std::pair<std::string, Bytes>>& members)
{
    Bytes out, cd;
    for (const auto& [name, data] : members) {
        const Bytes common = le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc32(data), 4) +
                             le(data.size(), 4) + le(data.size(), 4) + le(name.size(), 2) +
                             le(0, 2);
        cd += le(0x02014b50, 4) + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) +
              le(out.size(), 4) + name;
        out += le(0x04034b50, 4) + common + name + data;
    }
    return out + cd + le(0x06054b50, 4) + le(0, 4) + le(members.size(), 2) + le(members.size(), 2) +
           le(cd.size(), 4) + le(out.size(), 4) + le(0, 2);
}

Bytes unicode(const std::string& s)
{
    return "X" + le(s.size(), 4) + s;
}

Bytes intTuple(const std::vector<int64_t>& v)
{
    Bytes b = "(";
    for (int64_t x : v)
        b += "J" + le(static_cast<uint64_t>(x), 4);
    return b + "t";
}

// {"w": _rebuild_tensor_v2(FloatStorage key "0" of `numel`, offset, size, stride, False, None)}
Bytes tensorPickle(int64_t numel, int64_t offset, const std::vector<int64_t>& size,
                   const std::vector<int64_t>& stride)
{
    const Bytes storage = "(" + unicode("storage") + "ctorch\nFloatStorage\n" + unicode("0") +
                          unicode("cpu") + "J" + le(static_cast<uint64_t>(numel), 4) + "tQ";
    return "\x80\x02}(" + unicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n(" + storage + "J" +
           le(static_cast<uint64_t>(offset), 4) + intTuple(size) + intTuple(stride) + "\x89NtRu.";
}

Bytes floats(int n)
{
    Bytes b;
    for (int i = 0; i < n; ++i) {
        const float f = static_cast<float>(i) + 0.5f;
        uint32_t u;
        std::memcpy(&u, &f, 4);
        b += le(u, 4);
    }
    return b;
}

Bytes checkpoint(const Bytes& pickle, const Bytes& storage)
{
    return zip({{"a/data.pkl", pickle}, {"a/data/0", storage}});
}

const uint8_t* bytesOf(const Bytes& b)
{
    return reinterpret_cast<const uint8_t*>(b.data());
}

QString errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

bool pwned()
{
    struct stat st {};
    return ::stat(kPwned, &st) == 0;
}

} // namespace

class TestTorch : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { ::unlink(kPwned); }

    void fixturesLoadBitForBit_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("dtypes");
        const QStringList fc{"fc.weight", "fc.bias"}, f32x2{"float32", "float32"};
        QTest::newRow("state_dict") << "state_dict" << fc << f32x2;
        QTest::newRow("deflated") << "deflated" << fc << f32x2;
        QTest::newRow("nested") << "nested"
                                << QStringList{"model.fc.weight", "model.fc.bias", "params.0"}
                                << QStringList{"float32", "float32", "float32"};
        QTest::newRow("views") << "views" << QStringList{"base", "transposed", "sliced", "row"}
                               << QStringList{"float32", "float32", "float32", "float32"};
        QTest::newRow("dtypes") << "dtypes" << QStringList{"f16", "bf16", "f64", "i8", "u8",
                                                           "i16", "i32",  "i64", "b",  "scalar"}
                                << QStringList{"float16", "bfloat16", "float64", "int8", "uint8",
                                               "int16",   "int32",    "int64",   "bool", "float32"};
        QTest::newRow("tensor") << "tensor" << QStringList{"tensor"} << QStringList{"float32"};
    }

    void fixturesLoadBitForBit()
    {
        QFETCH(QString, fixture);
        QFETCH(QStringList, names);
        QFETCH(QStringList, dtypes);
        const std::string path = kDir + fixture.toStdString() + ".pt";
        const std::vector<TensorInfo> infos = listTensors(path);
        QCOMPARE(int(infos.size()), names.size());
        for (int i = 0; i < names.size(); ++i) {
            QCOMPARE(QString::fromStdString(infos[size_t(i)].name), names[i]);
            QCOMPARE(QString::fromStdString(infos[size_t(i)].dtype), dtypes[i]);
            const Tensor got = loadTensor(path, infos[size_t(i)].name);
            const Tensor want = loadNpy(kDir + "expected/" + fixture.toStdString() + "/" +
                                        names[i].toStdString() + ".npy");
            QCOMPARE(got.shape, want.shape);
            QCOMPARE(infos[size_t(i)].shape, want.shape);
            QCOMPARE(got.dtype, dtypes[i].toStdString());
            QCOMPARE(got.data.size(), want.data.size());
            QVERIFY(std::memcmp(got.data.data(), want.data.data(), 4 * got.data.size()) == 0);
        }
    }

    void hostileCheckpointsAreRefused_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("message");
        const QString tail = "': only tensor data is read from checkpoints";
        QTest::newRow("os.system") << "os_system"
                                   << "refuses to call 'posix.system" + tail;
        QTest::newRow("eval") << "eval"
                              << "refuses to call 'builtins.eval" + tail;
        QTest::newRow("exec") << "exec"
                              << "refuses to call 'builtins.exec" + tail;
        QTest::newRow("subprocess") << "popen"
                                    << "refuses to call 'subprocess.Popen" + tail;
        QTest::newRow("STACK_GLOBAL")
            << "stack_global"
            << "pickle opcode at byte 17: refuses opcode 0x93: only tensor data is read from "
               "checkpoints";
        QTest::newRow("unknown opcode")
            << "unknown_opcode"
            << "pickle opcode at byte 5: refuses opcode 0xff: only tensor data is read from "
               "checkpoints";
        QTest::newRow("legacy") << "legacy"
                                << "legacy PyTorch format (before 1.6) is not supported: "
                                   "re-save with torch.save in a newer PyTorch";
    }

    void hostileCheckpointsAreRefused()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, message);
        const std::string path = kDir + fixture.toStdString() + ".pt";
        const QString want = fixture + ".pt: " + message;
        QCOMPARE(errorOf([&] { listTensors(path); }), want);
        QCOMPARE(errorOf([&] { loadTensor(path, "w"); }), want);
        QVERIFY(!pwned());
    }

    void handBuiltPickleErrors_data()
    {
        QTest::addColumn<QByteArray>("pickle");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const Bytes& p, const char* msg) {
            QTest::newRow(name) << QByteArray(p.data(), int(p.size())) << QString(msg);
        };
        row("empty", "", "p.pkl: empty pickle");
        row("truncated", "\x80\x02}X\x05\x00\x00\x00"s + "ab",
            "p.pkl: pickle opcode at byte 3: truncated pickle (needs 5 bytes, 2 left)");
        row("no STOP", "\x80\x02}",
            "p.pkl: pickle opcode at byte 3: truncated pickle (needs 1 "
            "bytes, 0 left)");
        row("underflow", "\x80\x02.", "p.pkl: pickle opcode at byte 2: stack underflow");
        row("underflow below MARK", "](a.", "p.pkl: pickle opcode at byte 2: stack underflow");
        row("memo out of range", "}q\x01h\x02.",
            "p.pkl: pickle opcode at byte 3: memo index 2 is not set");
        row("no mark", "N\x85t.", "p.pkl: pickle opcode at byte 2: no MARK to pop to");
        row("protocol", "\x80\x09N.",
            "p.pkl: pickle opcode at byte 0: unsupported pickle "
            "protocol 9");
        row("long too large", Bytes("\x8a\x09") + Bytes(9, '\1') + ".",
            "p.pkl: pickle opcode at byte 0: integer of 9 bytes is too large");
        row("negative string", "T\xff\xff\xff\xff.",
            "p.pkl: pickle opcode at byte 0: negative string length");
        row("odd SETITEMS items", "}(Nu.",
            "p.pkl: pickle opcode at byte 3: SETITEMS with an odd number of items");
        row("APPEND to a dict", "}Na.",
            "p.pkl: pickle opcode at byte 2: expects a list below "
            "its operands");
        row("REDUCE a string", "X\x01\x00\x00\x00"s + "f)R.",
            "p.pkl: pickle opcode at byte 7: calls something that is not an allowed global");
        row("call a storage class", "ctorch\nFloatStorage\n)R.",
            "p.pkl: refuses to call 'torch.FloatStorage': only tensor data is read from "
            "checkpoints");
        row("torch.load", "ctorch\nload\n.",
            "p.pkl: refuses to call 'torch.load': only tensor data is read from checkpoints");
        row("BUILD on an int", "K\x01Nb.",
            "p.pkl: pickle opcode at byte 3: BUILD applies only to dicts and tensors");
        row("bad persistent id", "X\x01\x00\x00\x00xQ."s,
            "p.pkl: pickle opcode at byte 6: persistent id is not a ('storage', ...) record");
        row("GLOBAL without newline", "ctorch\nSize",
            "p.pkl: pickle opcode at byte 0: truncated GLOBAL name");
    }

    void handBuiltPickleErrors()
    {
        QFETCH(QByteArray, pickle);
        QFETCH(QString, message);
        QCOMPARE(errorOf([&] {
                     unpickleRestricted(reinterpret_cast<const uint8_t*>(pickle.constData()),
                                        size_t(pickle.size()), "p.pkl");
                 }),
                 message);
    }

    void handBuiltViews()
    {
        // A 2x3 view with strides (1, 2) of a 6-element storage: the transpose of a 3x2.
        const Bytes ok = checkpoint(tensorPickle(6, 0, {2, 3}, {1, 2}), floats(6));
        const Tensor t = loadTorchTensor(bytesOf(ok), ok.size(), "h.pt", "w");
        QCOMPARE(t.data, (std::vector<float>{0.5f, 2.5f, 4.5f, 1.5f, 3.5f, 5.5f}));
        const Bytes sliced = checkpoint(tensorPickle(6, 1, {2}, {3}), floats(6));
        QCOMPARE(loadTorchTensor(bytesOf(sliced), sliced.size(), "h.pt", "").data,
                 (std::vector<float>{1.5f, 4.5f}));
    }

    void handBuiltViewErrors_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const Bytes& f, const char* msg) {
            QTest::newRow(name) << QByteArray(f.data(), int(f.size())) << QString(msg);
        };
        row("view past the storage", checkpoint(tensorPickle(6, 1, {2, 3}, {3, 1}), floats(6)),
            "h.pt:w: view (offset 1) reaches element 6 of a storage of 6");
        row("storage larger than its member", checkpoint(tensorPickle(8, 0, {2}, {1}), floats(6)),
            "h.pt:w: storage claims 8 elements but its member holds 24 bytes");
        row("stride 0 repeats", checkpoint(tensorPickle(1, 0, {100000}, {0}), floats(1)),
            "h.pt:w: view of 100000 elements is larger than its storage of 1");
        row("missing storage member", zip({{"a/data.pkl", tensorPickle(6, 0, {6}, {1})}}),
            "h.pt:w: storage '0' has no member a/data/0");
        row("no data.pkl", zip({{"a/other", "x"}}),
            "h.pt: zip archive has no <name>/data.pkl: not a PyTorch checkpoint");
        row("big-endian", zip({{"a/data.pkl", "N."}, {"a/byteorder", "big"}}),
            "h.pt: big-endian checkpoints are not supported");
        row("no tensors", zip({{"a/data.pkl", "}."}}), "h.pt: checkpoint holds no tensors");
        row("long name", zip({{"a/data.pkl", "}(" + unicode(std::string(600, 'k')) + "Nu."}}),
            "h.pt: checkpoint has a name longer than 512 characters");
        row("nesting", zip({{"a/data.pkl", Bytes(100, ']') + Bytes(99, 'a') + "."}}),
            "h.pt: checkpoint nests deeper than 64 levels");
        // torch.load reads one of two same-named members depending on the archive's layout
        // (PyTorch 1.13, data/0 written 2, 3, 4, 5 times: it read entry 1, 3, 4, 4): refused.
        row("storage twice",
            zip({{"a/data.pkl", tensorPickle(6, 0, {6}, {1})},
                 {"a/data/0", floats(6)},
                 {"a/data/0", floats(6)}}),
            "h.pt: the archive holds more than one member named 'a/data/0' (which one is meant "
            "is ambiguous)");
        row("data.pkl twice", zip({{"a/data.pkl", "}."}, {"a/data.pkl", "}."}}),
            "h.pt: the archive holds more than one member named 'a/data.pkl' (which one is "
            "meant is ambiguous)");
    }

    void handBuiltViewErrors()
    {
        QFETCH(QByteArray, file);
        QFETCH(QString, message);
        const auto* data = reinterpret_cast<const uint8_t*>(file.constData());
        QCOMPARE(errorOf([&] { loadTorchTensor(data, size_t(file.size()), "h.pt", "w"); }),
                 message);
    }
};

QTEST_APPLESS_MAIN(TestTorch)
#include "tst_torch.moc"
