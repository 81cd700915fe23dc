// CodeBuffer: codes kept as code - offset in one byte when their window has at most 256 values
// and in two bytes otherwise; every reading gives the codes back exactly, whatever the width.
#include "core/base/code_buffer.h"

#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

using namespace qs;

class TestCodeBuffer : public QObject {
    Q_OBJECT

private slots:
    void narrowWindowTakesOneByte()
    {
        const std::vector<int32_t> codes = {-128, 127, 0, -1, 5};
        const CodeBuffer b(codes);
        QCOMPARE(b.width(), 1);
        QCOMPARE(b.offset(), -128);
        QVERIFY(b.raw8() != nullptr);
        QVERIFY(b.raw16() == nullptr);
        QCOMPARE(int(b.raw8()[1]), 255); // 127 - (-128)
        QCOMPARE(b.toVector(), codes);
        QCOMPARE(*std::max_element(b.begin(), b.end()), 127);
        QCOMPARE(b.slice(2, 2), (std::vector<int32_t>{0, -1}));
    }

    void wideWindowTakesTwoBytes()
    {
        const std::vector<int32_t> codes = {0, 256, 17}; // 257 values
        const CodeBuffer b(codes);
        QCOMPARE(b.width(), 2);
        QVERIFY(b.raw8() == nullptr);
        QCOMPARE(int(b.raw16()[1]), 256);
        QCOMPARE(b.toVector(), codes);
        QCOMPARE(CodeBuffer::widthFor(256), 1);
        QCOMPARE(CodeBuffer::widthFor(257), 2);
        QCOMPARE(CodeBuffer::widthFor(65536), 2);
    }

    void refusesWiderWindows()
    {
        QVERIFY_THROWS_EXCEPTION(std::length_error, CodeBuffer({0, 65536}));
        CodeBuffer b;
        QVERIFY_THROWS_EXCEPTION(std::length_error, b.reset(4, 0, 65537));
        QVERIFY_THROWS_EXCEPTION(std::length_error, b.resizeForOverwrite(4, 0, 0));
    }

    void writersChooseTheWidthAndReuseCapacity()
    {
        CodeBuffer b;
        b.resizeForOverwrite(1000, -8, 16); // 4-bit codes -8..7
        QCOMPARE(b.width(), 1);
        for (size_t i = 0; i < b.size(); ++i)
            b.set(i, int32_t(i % 16) - 8);
        QCOMPARE(b[15], 7);
        QCOMPARE(b.at(16), -8);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, b.at(1000));
        const uint8_t* narrow = b.raw8();
        b.resizeForOverwrite(1000, 0, 256);
        QCOMPARE(b.raw8(), narrow); // same width and size: the storage is kept

        b.reset(3, 100, 1000); // wider window: two bytes, reading as the offset
        QCOMPARE(b.width(), 2);
        QCOMPARE(b.toVector(), (std::vector<int32_t>{100, 100, 100}));
        b.set(2, 1099);
        QCOMPARE(b.back(), 1099);
        b.pop_back();
        QCOMPARE(b.size(), size_t(2));
        b.clear();
        QVERIFY(b.empty());
    }

    void equalityIgnoresWidthAndOffset()
    {
        CodeBuffer wide;
        wide.reset(3, -5, 65536);
        wide.set(0, -5);
        wide.set(1, 0);
        wide.set(2, 3);
        const CodeBuffer narrow({-5, 0, 3});
        QCOMPARE(narrow.width(), 1);
        QVERIFY(wide == narrow);
        QVERIFY(narrow == (std::vector<int32_t>{-5, 0, 3}));
        QVERIFY(narrow != (std::vector<int32_t>{-5, 0, 4}));
        QVERIFY(narrow != CodeBuffer({-5, 0}));
    }
};

QTEST_APPLESS_MAIN(TestCodeBuffer)
#include "tst_code_buffer.moc"
