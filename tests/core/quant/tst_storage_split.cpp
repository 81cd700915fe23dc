// The storage split of every scheme: payload + scales + mins + second level is the result's
// quantizedBits exactly, and bits per element, for every Scheme value and the integer
// granularities; the published splits (Q4_K 4 + 0.375 + 0.125, Q6_K 6.5625, IQ4_XS 4.25, NVFP4
// 4.5 + 32/numel, NF4/64 4.5, ...); each GGML block's split against its size in bytes; and the
// report's "storage" object.
#include "core/config/choices.h"
#include "core/formats/ggml.h"
#include "core/io/ggml_blocks.h"
#include "core/quant/quantize.h"
#include "core/report/report.h"

#include "tests/support/random_tensor.h"
#include "tests/support/test_support.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <string>
#include <vector>

using namespace qs;

namespace {

QuantConfig configFor(Scheme s)
{
    QuantConfig c;
    c.scheme = s;
    if (s == Scheme::Codebook)
        c.codebook = {-1, -0.25, 0, 0.5, 1};
    if (s == Scheme::LloydMax)
        c.bits = 3;
    if (s == Scheme::NF4 || s == Scheme::FP4)
        c.groupSize = 64;
    return c;
}

// The parts in bits per element of a 1024-element result (every split here is dyadic).
struct PerElement {
    double payload, scales, mins, second;
};

PerElement perElement(const Metrics& m)
{
    const int64_t n = m.count + m.nonfinite;
    const StorageSplit& s = m.storage;
    return {StorageSplit::perElement(s.payloadBits, n), StorageSplit::perElement(s.scaleBits, n),
            StorageSplit::perElement(s.minBits, n), StorageSplit::perElement(s.secondLevelBits, n)};
}

} // namespace

class TestStorageSplit : public QObject {
    Q_OBJECT
private slots:
    void everySchemeSums();
    void integerGranularities();
    void publishedSplits_data();
    void publishedSplits();
    void ggmlBlocks();
    void reportAndText();
};

// Every Scheme value (from the choices table, so a new scheme gets its row): the parts sum to
// quantizedBits, and in bits per element to bitsPerElement.
void TestStorageSplit::everySchemeSums()
{
    const Tensor t = test::randomTensor({4, 256}, 7);
    for (const Choice<Scheme>& ch : choices<Scheme>()) {
        const QuantResult r = quantize(t, configFor(ch.value));
        const Metrics& m = r.metrics;
        QVERIFY2(m.storage.totalBits() == m.quantizedBits, ch.name);
        const PerElement p = perElement(m);
        QVERIFY2(p.payload + p.scales + p.mins + p.second == m.bitsPerElement, ch.name);
        QVERIFY2(m.storage.payloadBits > 0, ch.name);
    }
}

void TestStorageSplit::integerGranularities()
{
    const Tensor t = test::randomTensor({4, 256}, 8);
    QuantConfig c; // 8-bit asymmetric per tensor: 8 + 32/1024 + 8/1024
    Metrics m = quantize(t, c).metrics;
    QCOMPARE(m.storage.payloadBits, 8192.0);
    QCOMPARE(m.storage.scaleBits, 32.0);
    QCOMPARE(m.storage.minBits, 8.0);
    QCOMPARE(m.storage.secondLevelBits, 0.0);
    c.granularity = Granularity::PerChannel; // 4 channels
    m = quantize(t, c).metrics;
    QCOMPARE(m.storage.scaleBits, 4 * 32.0);
    QCOMPARE(m.storage.minBits, 4 * 8.0);
    c.scheme = Scheme::Symmetric; // no zero point
    c.granularity = Granularity::PerGroup;
    c.axis = 1;
    c.groupSize = 64; // 16 groups
    c.bits = 4;
    m = quantize(t, c).metrics;
    QCOMPARE(m.storage.payloadBits, 4096.0);
    QCOMPARE(m.storage.scaleBits, 16 * 32.0);
    QCOMPARE(m.storage.minBits, 0.0);
    QCOMPARE(m.storage.totalBits(), m.quantizedBits);
    // Each slice's own split: its codes, its scale and zero point.
    c.scheme = Scheme::Asymmetric;
    const QuantResult r = quantize(t, c);
    const Metrics s0 = r.sliceMetrics[0];
    QCOMPARE(s0.storage.payloadBits, 64 * 4.0);
    QCOMPARE(s0.storage.scaleBits, 32.0);
    QCOMPARE(s0.storage.minBits, 4.0);
    QCOMPARE(s0.storage.totalBits(), s0.quantizedBits);
}

void TestStorageSplit::publishedSplits_data()
{
    QTest::addColumn<int>("scheme");
    QTest::addColumn<std::vector<double>>("expected"); // payload, scales, mins, second, total
    const auto row = [](const char* name, Scheme s, double p, double sc, double mi, double se,
                        double total) {
        QTest::newRow(name) << int(s) << std::vector<double>{p, sc, mi, se, total};
    };
    row("q4_k", Scheme::Q4_K, 4, 0.1875, 0.1875, 0.125, 4.5);
    row("q5_k", Scheme::Q5_K, 5, 0.1875, 0.1875, 0.125, 5.5);
    row("q6_k", Scheme::Q6_K, 6, 0.5, 0, 0.0625, 6.5625);
    row("q3_k", Scheme::Q3_K, 3, 0.375, 0, 0.0625, 3.4375);
    row("q2_k", Scheme::Q2_K, 2, 0.25, 0.25, 0.125, 2.625);
    row("iq4_xs", Scheme::IQ4_XS, 4, 0.1875, 0, 0.0625, 4.25);
    row("iq4_nl", Scheme::IQ4_NL, 4, 0.5, 0, 0, 4.5);
    row("q8_0", Scheme::Q8_0, 8, 0.5, 0, 0, 8.5);
    row("q4_0", Scheme::Q4_0, 4, 0.5, 0, 0, 4.5);
    row("q4_1", Scheme::Q4_1, 4, 0.5, 0.5, 0, 5.0);
    row("q5_0", Scheme::Q5_0, 5, 0.5, 0, 0, 5.5);
    row("q5_1", Scheme::Q5_1, 5, 0.5, 0.5, 0, 6.0);
    row("nvfp4", Scheme::NVFP4, 4, 0.5, 0, 32.0 / 1024, 4.5 + 32.0 / 1024);
    row("mxfp4", Scheme::MXFP4, 4, 0.25, 0, 0, 4.25);
    row("mxfp6-e2m3", Scheme::MXFP6_E2M3, 6, 0.25, 0, 0, 6.25);
    row("mxfp8-e5m2", Scheme::MXFP8_E5M2, 8, 0.25, 0, 0, 8.25);
    row("nf4/64", Scheme::NF4, 4, 0.5, 0, 0, 4.5);
    row("fp16", Scheme::FP16, 16, 0, 0, 0, 16);
    row("e4m3fnuz", Scheme::E4M3FNUZ, 8, 0, 0, 0, 8);
    row("dynamic8/32", Scheme::Dynamic8, 8, 1, 0, 0, 9);
}

void TestStorageSplit::publishedSplits()
{
    QFETCH(int, scheme);
    QFETCH(std::vector<double>, expected);
    const Tensor t = test::randomTensor({4, 256}, 9);
    const Metrics m = quantize(t, configFor(Scheme(scheme))).metrics;
    const PerElement p = perElement(m);
    const std::vector<double> got = {p.payload, p.scales, p.mins, p.second, m.bitsPerElement};
    QCOMPARE(got, expected); // exact: every part is a multiple of 2^-10
}

// Each GGML type's block split sums to the bytes of its block struct (ggml-common.h).
void TestStorageSplit::ggmlBlocks()
{
    for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                       GgmlType::Q5_1, GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K,
                       GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS}) {
        const GgmlTypeInfo* info = ggmlTypeByName(toName(t));
        QVERIFY(info);
        const StorageSplit s = ggmlBlockStorage(t);
        QCOMPARE(s.totalBits(), double(info->typeSize) * 8.0);
    }
}

void TestStorageSplit::reportAndText()
{
    const Tensor t = test::randomTensor({2, 256}, 10);
    const QuantResult r = quantize(t, configFor(Scheme::Q4_K));
    const auto j = nlohmann::json::parse(reportJson(t, r));
    const auto& st = j["metrics"]["storage"];
    QCOMPARE(st["payload_bits_per_element"].get<double>(), 4.0);
    QCOMPARE(st["scale_bits_per_element"].get<double>(), 0.1875);
    QCOMPARE(st["min_bits_per_element"].get<double>(), 0.1875);
    QCOMPARE(st["second_level_bits_per_element"].get<double>(), 0.125);
    QCOMPARE(st["bits_per_element"].get<double>(), 4.5);
    QCOMPARE(st["payload_bits"].get<double>(), 2048.0);
    QCOMPARE(storageSplitText(r.metrics.storage, 512),
             std::string("4 payload + 0.1875 scales + 0.1875 mins + 0.125 second level"));
    QCOMPARE(storageSplitText(StorageSplit{}, 0), std::string("0 payload"));
}

QTEST_APPLESS_MAIN(TestStorageSplit)
#include "tst_storage_split.moc"
