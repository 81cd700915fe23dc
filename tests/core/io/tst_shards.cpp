// Tests of sharded safetensors: shards and a model.safetensors.index.json written here, opened
// through the index and through one shard; shard names that would leave the index's folder,
// missing shards, tensors missing from their shard, names given twice and malformed JSON must
// each give an error naming the index file.
#include "core/base/error.h"
#include "core/io/safetensors_index.h"
#include "core/io/tensor_file.h"
#include "tests/support/test_support.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <map>

using namespace qs;
using json = nlohmann::json;

namespace {

const char* const kIndex = "model.safetensors.index.json";
const char* const kShard1 = "model-00001-of-00002.safetensors";
const char* const kShard2 = "model-00002-of-00002.safetensors";

// A .safetensors file holding float32 tensors named as given.
std::string shardBytes(const std::map<std::string, std::vector<float>>& tensors)
{
    json header = json::object();
    std::string data;
    for (const auto& [name, values] : tensors) {
        const size_t begin = data.size();
        data.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
        header[name] = {
            {"dtype", "F32"}, {"shape", {values.size()}}, {"data_offsets", {begin, data.size()}}};
    }
    const std::string h = header.dump();
    std::string out(8, '\0');
    const uint64_t n = h.size();
    for (int i = 0; i < 8; ++i)
        out[size_t(i)] = char((n >> (8 * i)) & 0xff);
    return out + h + data;
}

std::string indexText(const json& weightMap)
{
    return json{{"metadata", {{"total_size", 40}}}, {"weight_map", weightMap}}.dump();
}

} // namespace

class TestShards : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    int m_sets = 0;
    std::string m_set; // folder of the current set

    std::string write(const std::string& name, const std::string& bytes) const
    {
        const std::string p = m_set + "/" + name;
        std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        return p;
    }
    // A fresh folder with the two shards (a, b in the first; c in the second) and `index`.
    std::string writeSet(const std::string& index)
    {
        m_set = (m_dir->path() + "/set" + QString::number(++m_sets)).toStdString();
        QDir().mkpath(QString::fromStdString(m_set));
        write(kShard1, shardBytes({{"a", {1.5f, -2.0f}}, {"b", {3.0f, 4.0f, 5.0f}}}));
        write(kShard2, shardBytes({{"c", {0.25f}}}));
        return write(kIndex, index);
    }
    static json goodMap() { return {{"a", kShard1}, {"b", kShard1}, {"c", kShard2}}; }

    static QString errorOf(const std::function<void()>& f)
    {
        try {
            f();
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        return QStringLiteral("(no error)");
    }
    static void expectError(const QString& message, const QString& expected)
    {
        QVERIFY2(message.startsWith(QString(kIndex) + ": "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message + " / wanted: " + expected));
    }

private slots:
    void initTestCase()
    {
        m_dir = test::scratchDir(QStringLiteral("shards"));
        QVERIFY(m_dir->isValid());
    }

    void suffix()
    {
        QCOMPARE(tensorFileFormat("m/model.safetensors.index.json"),
                 TensorFileFormat::SafetensorsIndex);
        QCOMPARE(tensorFileFormat("M.SAFETENSORS.INDEX.JSON"), TensorFileFormat::SafetensorsIndex);
        QCOMPARE(tensorFileFormat("model.safetensors"), TensorFileFormat::Safetensors);
        QCOMPARE(tensorFileFormat("config.json"), TensorFileFormat::Unknown);
        QCOMPARE(tensorFileFormat("index.json"), TensorFileFormat::Unknown);
        QVERIFY(isTensorFile("x.safetensors.index.json"));
    }

    void listAndLoadThroughIndex()
    {
        const std::string index = writeSet(indexText(goodMap()));
        const auto infos = listTensors(index);
        QCOMPARE(infos.size(), size_t(3));
        QCOMPARE(infos[0].name, std::string("a"));
        QCOMPARE(infos[1].name, std::string("b"));
        QCOMPARE(infos[2].name, std::string("c"));
        QCOMPARE(infos[1].bytes, int64_t(12));
        QCOMPARE(infos[2].shape, std::vector<int64_t>{1});
        const Tensor c = loadTensor(index, "c");
        QCOMPARE(c.data, std::vector<float>{0.25f});
        const Tensor b = loadTensor(index, "b");
        QCOMPARE(b.data, (std::vector<float>{3.0f, 4.0f, 5.0f}));
        expectError(errorOf([&] { loadTensor(index, "zz"); }), "no tensor named 'zz'");
        expectError(errorOf([&] { loadTensor(index); }), "holds 3 tensors; pick one");
    }

    // Any shard of a set with its index beside it opens the whole set.
    void openThroughOneShard()
    {
        writeSet(indexText(goodMap()));
        const std::string shard = m_set + "/" + kShard1;
        QCOMPARE(listTensors(shard).size(), size_t(3));
        QCOMPARE(loadTensor(shard, "c").data, std::vector<float>{0.25f});
        QCOMPARE(indexBesideShard(shard), m_set + "/" + kIndex);
        // Without the index a shard is a lone file.
        QVERIFY(QFile::remove(QString::fromStdString(m_set + "/" + kIndex)));
        QCOMPARE(listTensors(shard).size(), size_t(2));
        QCOMPARE(indexBesideShard(shard), std::string());
    }

    void shardNameRefused_data()
    {
        QTest::addColumn<QString>("shard");
        QTest::newRow("parent") << "../model-00001-of-00002.safetensors";
        QTest::newRow("subfolder") << "sub/model-00001-of-00002.safetensors";
        QTest::newRow("backslash") << "sub\\model.safetensors";
        QTest::newRow("absolute") << "/etc/passwd";
        QTest::newRow("empty") << "";
        QTest::newRow("dotdot") << "..";
        QTest::newRow("dot") << ".";
    }
    void shardNameRefused()
    {
        QFETCH(QString, shard);
        json map = goodMap();
        map["c"] = shard.toStdString();
        const std::string index = writeSet(indexText(map));
        const QString expected = "shard name '" + shard + "' is not a plain file name";
        expectError(errorOf([&] { listTensors(index); }), expected);
        expectError(errorOf([&] { loadTensor(index, "a"); }), expected);
    }

    void missingShard()
    {
        json map = goodMap();
        map["c"] = "model-00003-of-00003.safetensors";
        const std::string index = writeSet(indexText(map));
        expectError(errorOf([&] { listTensors(index); }),
                    "model-00003-of-00003.safetensors: cannot open file");
        expectError(errorOf([&] { loadTensor(index, "c"); }),
                    "model-00003-of-00003.safetensors: cannot open file");
    }

    void tensorMissingFromShard()
    {
        json map = goodMap();
        map["d"] = kShard2;
        const std::string index = writeSet(indexText(map));
        expectError(errorOf([&] { listTensors(index); }),
                    "weight_map puts tensor 'd' in model-00002-of-00002.safetensors, which "
                    "does not hold it");
        expectError(errorOf([&] { loadTensor(index, "d"); }),
                    "model-00002-of-00002.safetensors: no tensor named 'd'");
        // A tensor placed in the wrong shard is missing from the shard named.
        json wrong = goodMap();
        wrong["c"] = kShard1;
        const std::string index2 = writeSet(indexText(wrong));
        expectError(errorOf([&] { listTensors(index2); }),
                    "puts tensor 'c' in " + QString(kShard1));
    }

    void duplicateNames()
    {
        const std::string twice =
            writeSet(R"({"weight_map": {"a": ")" + std::string(kShard1) + R"(", "b": ")" + kShard1 +
                     R"(", "a": ")" + kShard1 + R"(", "c": ")" + kShard2 + R"("}})");
        expectError(errorOf([&] { listTensors(twice); }),
                    "tensor 'a' is listed twice in weight_map");
        // The same tensor stored in two shards.
        writeSet(indexText(goodMap()));
        write(kShard2, shardBytes({{"a", {9.0f}}, {"c", {0.25f}}}));
        expectError(errorOf([&] { listTensors(m_set + "/" + kIndex); }),
                    "tensor 'a' is in both model-00001-of-00002.safetensors and "
                    "model-00002-of-00002.safetensors");
    }

    void malformedIndex_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << ""
                               << "invalid JSON";
        QTest::newRow("truncated") << R"({"weight_map": {"a": )"
                                   << "invalid JSON";
        QTest::newRow("array") << "[1, 2]"
                               << "not a JSON object";
        QTest::newRow("no weight_map") << R"({"metadata": {}})"
                                       << "missing object 'weight_map'";
        QTest::newRow("weight_map list") << R"({"weight_map": ["a"]})"
                                         << "missing object 'weight_map'";
        QTest::newRow("shard a number") << R"({"weight_map": {"a": 5}})"
                                        << "weight_map entry 'a' is not a file name";
    }
    void malformedIndex()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const std::string index = writeSet(text.toStdString());
        expectError(errorOf([&] { listTensors(index); }), expected);
        expectError(errorOf([&] { loadTensor(index, "a"); }), expected);
    }
};

QTEST_GUILESS_MAIN(TestShards)
#include "tst_shards.moc"
