// Lessons: every file in resources/lessons parses and every expectation it states holds when
// the step is run through qs::quantize; the lessons of the course notebooks (docs/REFERENCES.md)
// reproduce the notebooks' numbers (copied here, so a wrong edit of a lesson file fails); the old
// lesson ids and data set names still work; malformed lessons give errors naming the field.
#include "core/quant/quantize.h"
#include "core/teach/lesson.h"

#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <cmath>
#include <set>

using namespace qs;

class TestLessons : public QObject {
    Q_OBJECT
private slots:
    void everyLessonHolds();
    void truncation();
    void asymmetricVsSymmetric();
    void outlier();
    void heWeights();
    void float16VsInt8();
    void otherLessons();
    void parseErrors_data();
    void parseErrors();
    void stepsAndSources();
    void oldNames();
    void blockInspectorLesson();
};

namespace {

QString lessonDir()
{
    return QStringLiteral(QS_SOURCE_DIR "/resources/lessons");
}

Lesson load(const char* id)
{
    return loadLesson((lessonDir() + "/" + id + ".json").toStdString());
}

std::vector<int> codesOf(const Lesson& l, int step)
{
    const QuantResult r = quantize(lessonTensor(l, step), lessonConfig(l, step));
    return {r.codes.begin(), r.codes.end()};
}

// The lessons of the course notebooks (docs/REFERENCES.md).
const std::set<std::string> kNotebookLessons = {"truncation", "asymmetric-vs-symmetric", "outlier",
                                                "he-weights", "float16-vs-int8"};

const char* kMinimal = R"({"id": "t", "title": "T", "source": {"values": [1, 2, 3]},
    "config": {"bits": 4}})";

} // namespace

void TestLessons::everyLessonHolds()
{
    const QStringList files = QDir(lessonDir()).entryList({"*.json"}, QDir::Files);
    QVERIFY2(files.size() >= 10, qPrintable(lessonDir()));
    std::set<std::string> ids;
    for (const QString& f : files) {
        const Lesson l = loadLesson((lessonDir() + "/" + f).toStdString());
        QVERIFY2(ids.insert(l.id).second,
                 qPrintable("duplicate id " + QString::fromStdString(l.id)));
        QCOMPARE(QString::fromStdString(l.id) + ".json", f);
        QVERIFY(!l.title.empty());
        QVERIFY2(!l.text.empty() && !l.question.empty(), qPrintable(f));
        int asserted = 0;
        for (int s = 0; s < l.numSteps(); ++s) {
            const std::vector<std::string> bad = checkLesson(l, s);
            for (const std::string& b : bad)
                qWarning("%s", b.c_str());
            QVERIFY2(bad.empty(), qPrintable(f));
            asserted += !l.steps[size_t(s)].expect.empty();
        }
        if (kNotebookLessons.count(l.id))
            QVERIFY2(asserted >= 2, qPrintable(f + ": a notebook lesson must assert its numbers"));
    }
    for (const char* id : {"truncation", "asymmetric-vs-symmetric", "outlier", "he-weights",
                           "float16-vs-int8", "bits-8-to-1", "clipping-tradeoff", "large-channel",
                           "rounding-modes", "int-matmul", "extra-half-bit"})
        QVERIFY2(ids.count(id), id);
}

void TestLessons::truncation()
{
    const Lesson l = load("truncation");
    QCOMPARE(l.chart, std::string("codes"));
    QCOMPARE(l.steps[0].config.rounding, Rounding::Truncate);
    QVERIFY(!l.steps[0].config.includeZero);
    QCOMPARE(codesOf(l, 0), (std::vector<int>{0, 11, 16, 79, 81, 191, 193, 219, 253, 254}));
    QCOMPARE(l.steps[1].config.rounding, Rounding::HalfEven);
    QCOMPARE(codesOf(l, 1), (std::vector<int>{0, 11, 17, 80, 81, 191, 194, 220, 254, 255}));
    QCOMPARE(quantize(lessonTensor(l, 0), lessonConfig(l, 0)).params.zeroPoint[0], int64_t(-2));
    QVERIFY(l.text.find("truncat") != std::string::npos); // says why the codes differ
}

void TestLessons::asymmetricVsSymmetric()
{
    const Lesson l = load("asymmetric-vs-symmetric");
    const QuantResult a = quantize(lessonTensor(l, 0), lessonConfig(l, 0));
    const QuantResult s = quantize(lessonTensor(l, 1), lessonConfig(l, 1));
    QCOMPARE(a.params.zeroPoint[0], int64_t(55));
    QVERIFY(std::fabs(a.metrics.mse / 0.04209455594002395 - 1) < 1e-4);
    QVERIFY(std::fabs(s.metrics.mse / 0.12861702027403993 - 1) < 1e-4);
    QCOMPARE(s.params.qmin, int64_t(-128));
    QCOMPARE(s.codes[1], -35);
}

void TestLessons::outlier()
{
    const Lesson l = load("outlier");
    const Tensor t = lessonTensor(l, 0);
    QCOMPARE(t.numel(), int64_t(10000));
    QCOMPARE(t.data.back(), 1000.0f);
    auto mseWithoutOutlier = [&](int step) {
        const QuantResult r = quantize(t, lessonConfig(l, step));
        double sum = 0;
        for (int64_t i = 0; i + 1 < t.numel(); ++i) {
            const double e = double(t.data[size_t(i)]) - double(r.dequantized[size_t(i)]);
            sum += e * e;
        }
        return sum / double(t.numel() - 1);
    };
    const double mm = mseWithoutOutlier(0), pc = mseWithoutOutlier(1);
    QVERIFY(mm > 1.3 && mm < 1.55);
    QVERIFY(pc > 0.045 && pc < 0.058);
    QCOMPARE(lessonConfig(l, 1).range, RangeMethod::Percentile);
    QCOMPARE(lessonConfig(l, 1).percentile, 99.99);
}

void TestLessons::heWeights()
{
    const Lesson l = load("he-weights");
    QVERIFY(lessonConfig(l, 0).float32Params);
    QCOMPARE(codesOf(l, 0), (std::vector<int>{255, 32, 36, 148, 16, 89, 95, 103, 169, 0}));
    const QuantResult r = quantize(lessonTensor(l, 0), lessonConfig(l, 0));
    QCOMPARE(float(r.params.scale[0]), 0.0054831104f);
    QCOMPARE(r.params.zeroPoint[0], int64_t(99));
    // The image-compression step points at the image chart with an image tensor.
    QCOMPARE(l.steps[1].chart, std::string("image"));
    const Tensor img = lessonTensor(l, 1);
    QCOMPARE(img.shape, (std::vector<int64_t>{64, 96, 3}));
    QCOMPARE(img.data, builtinImage(96, 64).data);
}

void TestLessons::float16VsInt8()
{
    const Lesson l = load("float16-vs-int8");
    const QuantResult h = quantize(lessonTensor(l, 0), lessonConfig(l, 0));
    QCOMPARE(lessonConfig(l, 0).scheme, Scheme::FP16);
    QCOMPARE(h.floatCounts.flushedToZero, int64_t(2)); // 1e-12 and 1e-8
    QCOMPARE(h.floatCounts.overflow, int64_t(4));      // 65520, 70000, 1e30, 3.4e38
    QCOMPARE(l.steps[0].chart, std::string("float-pitfalls"));
    const QuantResult b = quantize(lessonTensor(l, 1), lessonConfig(l, 1));
    QCOMPARE(b.floatCounts.overflow, int64_t(1));
    // Signed affine and restricted symmetric code ranges.
    const QuantConfig affine = lessonConfig(l, 2);
    QCOMPARE(affine.qmin(), int64_t(-128));
    QCOMPARE(affine.qmax(), int64_t(127));
    QCOMPARE(lessonConfig(l, 3).qmin(), int64_t(-127));
    // Per tensor vs per row vs per column on the matrix with one loud row.
    const Tensor w = lessonTensor(l, 3);
    QCOMPARE(w.shape, (std::vector<int64_t>{16, 64}));
    const double perTensor = quantize(w, lessonConfig(l, 3)).metrics.mse;
    const double perRow = quantize(w, lessonConfig(l, 4)).metrics.mse;
    const double perCol = quantize(w, lessonConfig(l, 5)).metrics.mse;
    QVERIFY(perRow < perTensor / 5);
    QVERIFY(perCol < perTensor);
    QCOMPARE(quantize(w, lessonConfig(l, 4)).params.numSlices(), int64_t(16));
    QCOMPARE(quantize(w, lessonConfig(l, 5)).params.numSlices(), int64_t(64));
}

void TestLessons::otherLessons()
{
    const Lesson r = load("rounding-modes");
    QCOMPARE(r.numSteps(), 6);
    QCOMPARE(codesOf(r, 1), (std::vector<int>{-127, -3, -2, -1, 1, 2, 3, 4, -4, 127}));
    QCOMPARE(codesOf(r, 4), (std::vector<int>{-127, -2, -1, 0, 0, 1, 2, 3, -3, 127}));
    const Lesson m = load("int-matmul");
    QVERIFY(m.intMatmul.has_value());
    const IntMatmulDemo d = intMatmulDemo(*m.intMatmul);
    QCOMPARE(d.result.acc32.size(), size_t(16));
    QVERIFY(!d.result.overflowed16.empty()); // the text promises an int16 wraparound
    QVERIFY(!d.result.int32Overflow);
    // The lesson's tensor is the demo's A.
    const Tensor a = lessonTensor(m, 0);
    QCOMPARE(std::vector<double>(a.data.begin(), a.data.end()), d.a.values);
    const Lesson c = load("large-channel");
    const Tensor w = lessonTensor(c, 0);
    double row5 = 0, row0 = 0;
    for (int64_t j = 0; j < 256; ++j) {
        row5 = std::max(row5, std::fabs(double(w.data[size_t(5 * 256 + j)])));
        row0 = std::max(row0, std::fabs(double(w.data[size_t(j)])));
    }
    QVERIFY(row5 > 10 * row0);
    const Lesson b = load("bits-8-to-1");
    QCOMPARE(lessonConfig(b, 4).bits, 1);
    QCOMPARE(b.steps[5].chart, std::string("sweep"));
}

void TestLessons::parseErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    const struct {
        const char *name, *json, *message;
    } rows[] = {
        {"not json", "{", "not valid JSON"},
        {"no id", R"({"title": "T", "source": {"values": [1]}, "config": {}})", "id is missing"},
        {"values", R"({"id": "a", "title": "T", "source": {"values": [1, "x"]},
        "config": {}})",
         "source.values[1] must be a finite number"},
        {"shape", R"({"id": "a", "title": "T",
        "source": {"values": [1, 2, 3], "shape": [2, 2]}, "config": {}})",
         "source.shape holds 4 elements but 3 values"},
        {"two sources", R"({"id": "a", "title": "T",
        "source": {"values": [1], "dataset": "uniform-10"}, "config": {}})",
         "exactly one of"},
        {"dataset", R"({"id": "a", "title": "T", "source": {"dataset": "uniform-99"},
        "config": {}})",
         "source.dataset 'uniform-99' is unknown"},
        {"generator", R"({"id": "a", "title": "T",
        "source": {"generate": {"distribution": "uniform", "shape": [10], "low": 2, "high": 1}},
        "config": {}})",
         "source.generate is invalid"},
        {"format", R"({"format": "other", "id": "a", "title": "T",
        "source": {"values": [1]}, "config": {}})",
         "format must be"},
        {"channel index", R"({"id": "a", "title": "T", "source": {"generate":
        {"shape": [4, 4], "scale_channel": {"axis": 0, "index": 4, "factor": 2}}},
        "config": {}})",
         "scale_channel.index must be in [0, 4)"},
    };
    for (const auto& row : rows)
        QTest::newRow(row.name) << QString::fromUtf8(row.json) << QString::fromUtf8(row.message);
    // Lessons whose data is the one value 1 and that differ after it: the JSON is this head and
    // the row's tail.
    const QString head = QStringLiteral(R"({"id": "a", "title": "T", "source": {"values": [1]}, )");
    const struct {
        const char *name, *tail, *message;
    } tailRows[] = {
        {"bits type", R"("config": {"bits": "eight"}})", "config.bits must be an integer"},
        {"bits range", R"("config": {"bits": 17}})", "bits must be between 1 and 16"},
        {"rounding", R"("config": {"rounding": "bankers"}})", "config.rounding is invalid"},
        {"unknown key", R"("config": {"bitz": 4}})", "config.bitz is not a known key"},
        {"chart", R"("config": {}, "chart": "pie"})", "chart 'pie' is not a chart"},
        {"step config",
         R"("config": {}, "steps": [{"config": {"scheme": "symmetric", "bits": 1}}]})",
         "steps[0].config is invalid"},
        {"expect key", R"("config": {}, "expect": {"msee": 1}})", "expect.msee is not a known key"},
        {"expect with steps", R"("config": {}, "expect": {"mse": 1}, "steps": [{}]})",
         "only allowed without"},
        {"block type", R"("config": {"scheme": "q4_0"}, "steps": [{"block": "first"}]})",
         "steps[0].block must be an integer"},
        {"block negative", R"("config": {"scheme": "q4_0"}, "steps": [{"block": -1}]})",
         "steps[0].block must not be negative"},
        {"block without blocks", R"("config": {}, "steps": [{"block": 0}]})",
         "steps[0].block needs a scheme with blocks (Per-tensor 8-bit asymmetric has no blocks"},
        {"bits per element type", R"("config": {}, "expect": {"bits_per_element": "4.5"}})",
         "expect.bits_per_element must be a"},
    };
    for (const auto& row : tailRows)
        QTest::newRow(row.name) << head + QString::fromUtf8(row.tail)
                                << QString::fromUtf8(row.message);
}

void TestLessons::parseErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, message);
    try {
        parseLesson(json.toStdString(), "test.json");
        QFAIL("no error");
    } catch (const Error& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(what.startsWith("test.json"), qPrintable(what));
    }
}

void TestLessons::stepsAndSources()
{
    const Lesson l = parseLesson(kMinimal);
    QCOMPARE(l.numSteps(), 1);
    QCOMPARE(lessonConfig(l, 0).bits, 4);
    QCOMPARE(l.chart, std::string("values"));
    QVERIFY(l.steps[0].expect.empty());
    QVERIFY_THROWS_EXCEPTION(Error, lessonConfig(l, 1));
    QVERIFY_THROWS_EXCEPTION(Error, lessonTensor(l, -1));
    QVERIFY_THROWS_EXCEPTION(Error, loadLesson("/nonexistent/lesson.json"));
    // A failing expectation is reported, naming the step and the number.
    const Lesson f = parseLesson(R"({"id": "f", "title": "F", "source": {"values": [0, 1, 2, 3]},
        "config": {"bits": 2}, "expect": {"codes": [0, 1, 2, 2], "zero_point": 0}})");
    const std::vector<std::string> bad = checkLesson(f, 0);
    QCOMPARE(bad.size(), size_t(1));
    QVERIFY2(bad[0].find("code 3 is 3, expected 2") != std::string::npos, bad[0].c_str());
    // Built-in datasets.
    QCOMPARE(builtinDataset("uniform-10").numel(), int64_t(10));
    QCOMPARE(builtinDataset("mixed-20").numel(), int64_t(20));
    QCOMPARE(builtinDataset("outlier-10k").data.back(), 1000.0f);
    QCOMPARE(builtinDataset("he-10").data[0], 0.8558766841888428f);
    QVERIFY_THROWS_EXCEPTION(Error, builtinDataset("nope"));
    const Lesson d = parseLesson(R"({"id": "d", "title": "D", "source": {"dataset": "uniform-10"},
        "config": {"include_zero": false, "rounding": "truncate"}})");
    QCOMPARE(codesOf(d, 0), (std::vector<int>{0, 11, 16, 79, 81, 191, 193, 219, 253, 254}));
}

// The old lesson ids and data set names give the same lessons and values; a data set asked for
// by its old name keeps that name.
void TestLessons::oldNames()
{
    const std::pair<const char*, const char*> datasets[] = {{"seed000", "uniform-10"},
                                                            {"seed001", "mixed-20"},
                                                            {"seed002", "outlier-10k"},
                                                            {"seed003", "he-10"}};
    for (const auto& [old, current] : datasets) {
        QCOMPARE(currentDatasetName(old), std::string(current));
        const Tensor a = builtinDataset(old), b = builtinDataset(current);
        QCOMPARE(a.shape, b.shape);
        QVERIFY2(a.data == b.data, old);
        QCOMPARE(a.name, std::string(old));
        QCOMPARE(b.name, std::string(current));
    }
    QCOMPARE(currentDatasetName("image"), std::string("image"));
    // A lesson file naming an old data set.
    const Lesson d = parseLesson(R"({"id": "d", "title": "D", "source": {"dataset": "seed000"},
        "config": {"include_zero": false, "rounding": "truncate"}})");
    QCOMPARE(codesOf(d, 0), (std::vector<int>{0, 11, 16, 79, 81, 191, 193, 219, 253, 254}));
    QCOMPARE(lessonTensor(d).data, builtinDataset("uniform-10").data);

    // Each lesson's old id, its short form, and the current id.
    const char* const lessons[][3] = {
        {"seed000-truncation", "seed000", "truncation"},
        {"seed001-asymmetric-vs-symmetric", "seed001", "asymmetric-vs-symmetric"},
        {"seed002-outlier", "seed002", "outlier"},
        {"seed003-he-weights", "seed003", "he-weights"},
        {"seed004-float16-vs-int8", "seed004", "float16-vs-int8"}};
    for (const auto& [old, shortOld, current] : lessons) {
        QCOMPARE(currentLessonId(old), std::string(current));
        QCOMPARE(currentLessonId(shortOld), std::string(current));
        QVERIFY(QFileInfo::exists(lessonDir() + "/" + current + ".json"));
    }
    for (const std::string& id : kNotebookLessons)
        QCOMPARE(currentLessonId(id), id);
    QCOMPARE(currentLessonId("bits-8-to-1"), std::string("bits-8-to-1"));
}

// The extra-half-bit lesson: the block inspector on Q4_0, Q4_1 and Q4_K, each step naming its
// block; the checker fails a block beyond the tensor and a wrong bits per element.
void TestLessons::blockInspectorLesson()
{
    const Lesson l = load("extra-half-bit");
    QCOMPARE(l.chart, std::string("block-inspector"));
    QCOMPARE(l.numSteps(), 4);
    const Scheme schemes[] = {Scheme::Q4_0, Scheme::Q4_1, Scheme::Q4_K, Scheme::Q4_K};
    const double bits[] = {4.5, 5.0, 4.5, 4.5};
    for (int s = 0; s < 4; ++s) {
        QCOMPARE(l.steps[size_t(s)].config.scheme, schemes[s]);
        QCOMPARE(*l.steps[size_t(s)].expect.bitsPerElement, bits[s]);
        QCOMPARE(*l.steps[size_t(s)].block, int64_t(s == 3 ? 1 : 0));
    }
    Lesson bad = l;
    bad.steps[3].block = 2; // two rows of 256: Q4_K has two super-blocks
    bad.steps[3].expect.bitsPerElement = 4.25;
    QCOMPARE(checkLesson(bad, 3),
             (std::vector<std::string>{
                 "lesson 'extra-half-bit' step 4: bits per element is 4.5, expected 4.25",
                 "lesson 'extra-half-bit' step 4: block 2 is out of range: the tensor has 2 "
                 "blocks"}));
}

QTEST_APPLESS_MAIN(TestLessons)
#include "tst_lessons.moc"
