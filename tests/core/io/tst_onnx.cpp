// Tests of the ONNX reader against models written by python3-onnx (tests/data/onnx, made by
// make_fixtures.py): every readable dtype from raw_data and from its typed field, external
// data in a side file, initializers feeding DequantizeLinear listed as quantized with their
// scale and zero point, and
// malformed models that must each be refused with a message naming the file and the problem.
#include "core/base/error.h"
#include "core/io/mapped_file.h"
#include "core/io/npy.h"
#include "core/io/onnx.h"
#include "core/io/tensor_file.h"
#include "tests/support/float_bits.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <string>
#include <vector>

using namespace qs;
using namespace qs::test;

namespace {

const std::string kDir = QS_SOURCE_DIR "/tests/data/onnx/";

// `model` holds `count` initializers; each of `names` (empty: all) loads bit for bit as its
// expected/<model>__<name>.npy.
void compareWithExpected(const std::string& model, size_t count,
                         const std::vector<std::string>& names = {})
{
    const std::string file = kDir + model + ".onnx";
    const auto infos = listTensors(file);
    QCOMPARE(infos.size(), count);
    for (const TensorInfo& info : infos) {
        if (!names.empty() && std::find(names.begin(), names.end(), info.name) == names.end())
            continue;
        const Tensor got = loadTensor(file, info.name);
        const Tensor want = loadNpy(kDir + "expected/" + model + "__" + info.name + ".npy");
        QCOMPARE(got.shape, want.shape);
        QCOMPARE(info.shape, want.shape);
        QCOMPARE(info.numel, want.numel());
        compareBits(got.data, want.data, (model + ":" + info.name).c_str());
    }
}

} // namespace

class TestOnnx : public QObject {
    Q_OBJECT

private slots:
    void dtypesFromRawData() { compareWithExpected("dtypes_raw", 13); }
    void dtypesFromTypedFields() { compareWithExpected("dtypes_typed", 13); }

    void listsStoredTypes()
    {
        const auto infos = listTensors(kDir + "dtypes_raw.onnx");
        const std::vector<std::string> want = {
            "FLOAT", "FLOAT16", "BFLOAT16",     "DOUBLE",     "INT8", "UINT8", "INT16",
            "INT32", "INT64",   "FLOAT8E4M3FN", "FLOAT8E5M2", "INT4", "UINT4"};
        QCOMPARE(infos.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QCOMPARE(infos[i].dtype, want[i]);
        QCOMPARE(infos[0].bytes, int64_t(6 * 4));
        QCOMPARE(infos[11].bytes, int64_t(3)); // five INT4 values in three bytes
        QCOMPARE(infos[12].bytes, int64_t(2));
        QCOMPARE(tensorFileFormat("M.ONNX"), TensorFileFormat::Onnx);
    }

    void externalData() { compareWithExpected("external", 2); }

    void conversionWarning()
    {
        std::vector<std::string> warnings;
        loadTensor(kDir + "dtypes_raw.onnx", "i64", &warnings);
        QCOMPARE(warnings.size(), size_t(1));
        QVERIFY(warnings[0].find("dtypes_raw.onnx:i64") != std::string::npos);
    }

    void dequantizeLinearInputs()
    {
        compareWithExpected("dequantize", 8, {"wq", "wu", "w4"});
        const auto infos = listTensors(kDir + "dequantize.onnx");
        QCOMPARE(infos[0].dtype, std::string("INT8 (DequantizeLinear, per tensor)"));
        QCOMPARE(infos[0].detail, std::string("per tensor, scale 0.05, zero point 0"));
        QCOMPARE(infos[1].dtype, std::string("FLOAT"));
        QCOMPARE(infos[1].detail, std::string());
        QCOMPARE(infos[3].dtype, std::string("UINT8 (DequantizeLinear, per axis 0)"));
        QCOMPARE(infos[3].detail, std::string("per axis 0, scales 'wu_scale' (3 values, 0.1 to "
                                              "0.3), zero points 'wu_zero' (3 values, 0 to 128)"));
        QCOMPARE(infos[6].dtype, std::string("INT4 (DequantizeLinear, blocks of 2 along axis 1)"));
        QCOMPARE(infos[6].detail, std::string("blocks of 2 along axis 1, scales 'w4_scale' (4 "
                                              "values, 0.5 to 2), zero point 0 (default)"));
        QCOMPARE(loadTensor(kDir + "dequantize.onnx", "wq").dtype,
                 std::string("INT8 (DequantizeLinear, per tensor)"));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("problem");
        QTest::newRow("parent folder")
            << "bad_location"
            << "bad_location.onnx: initializer 'w': external data location '../external.bin' is "
               "not a plain file name in the model's folder";
        QTest::newRow("subfolder") << "bad_subfolder"
                                   << "external data location 'expected/x.bin' is not a plain";
        QTest::newRow("offset past end")
            << "bad_offset"
            << "bad_offset.onnx: initializer 'w': external data offset 4096 is past the end of "
               "external.bin (56 bytes)";
        QTest::newRow("length past end")
            << "bad_length"
            << "bad_length.onnx: initializer 'w': external data 56+8 runs past the end of "
               "external.bin (56 bytes)";
        QTest::newRow("payload size")
            << "bad_size"
            << "bad_size.onnx: initializer 'w' holds 20 bytes but its dims and FLOAT need 24";
        QTest::newRow("typed count")
            << "bad_count"
            << "bad_count.onnx: initializer 'w' has 3 values in int64_data but its dims hold 4";
        QTest::newRow("packed count")
            << "bad_packed"
            << "bad_packed.onnx: initializer 'w' has 2 values in int32_data but its dims need 3 "
               "packed bytes";
        QTest::newRow("int32_data range")
            << "bad_range"
            << "bad_range.onnx: initializer 'w': int32_data value 300 is out of range for INT8";
        QTest::newRow("negative dim") << "bad_dims"
                                      << "bad_dims.onnx: initializer 'w': shape has a negative "
                                         "dimension (-1)";
        QTest::newRow("overflow") << "bad_overflow"
                                  << "bad_overflow.onnx: initializer 'w': shape is too large";
        QTest::newRow("string dtype") << "bad_dtype"
                                      << "bad_dtype.onnx: initializer 's' has dtype STRING, which "
                                         "QuantScope does not read";
    }

    void refusals()
    {
        QFETCH(QString, model);
        QFETCH(QString, problem);
        const std::string file = kDir + model.toStdString() + ".onnx";
        const std::string e = errorOf([&] { loadTensor(file); }); // the model's only initializer
        QVERIFY2(e.find(problem.toStdString()) != std::string::npos, e.c_str());
    }

    // A link named like the side file is refused even when it points at the right data.
    void externalDataThroughLink()
    {
        QDir().mkpath(QS_TEST_TMP);
        QTemporaryDir dir(QS_TEST_TMP "/onnx-XXXXXX");
        QVERIFY(dir.isValid());
        const QString d = dir.path() + "/";
        QVERIFY(QFile::copy(QString::fromStdString(kDir + "external.onnx"), d + "m.onnx"));
        QVERIFY(QFile::link(QString::fromStdString(kDir + "external.bin"), d + "external.bin"));
        const std::string e = errorOf([&] { listTensors((d + "m.onnx").toStdString()); });
        QVERIFY2(e.find("m.onnx: initializer 'bias': external data location 'external.bin' is not "
                        "a regular file (links are not followed)") != std::string::npos,
                 e.c_str());
    }

    void notAModel()
    {
        const std::string bytes = "\x93NUMPY not protobuf";
        const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
        QVERIFY(errorOf([&] {
                    listOnnx(p, bytes.size(), "x.onnx");
                }).rfind("x.onnx: not an ONNX model", 0) == 0);
        QVERIFY(errorOf([&] { listOnnx(nullptr, 0, "e.onnx"); }) ==
                "e.onnx: not an ONNX model (no graph)");
        // Without the model's folder, external data is refused.
        MappedFile f(kDir + "external.onnx");
        QVERIFY(errorOf([&] {
                    loadOnnxTensor(f.data(), f.size(), "m.onnx", "", "bias");
                }).find("external data is read only from a model file on disk") !=
                std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestOnnx)
#include "tst_onnx.moc"
