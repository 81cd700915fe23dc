// Bit-for-bit comparison of two reconstruction passes' statistics (QtTest checks), for tests
// that reach them by two paths (streamed and whole, one thread and two).
#pragma once

#include "core/model/error_percentiles.h"
#include "tests/support/test_support.h"

#include <QtTest>

namespace qs::test {

inline void compareBits(const ReconstructionStats& a, const ReconstructionStats& b)
{
    QCOMPARE(bitsOf(a.dot), bitsOf(b.dot));
    QCOMPARE(bitsOf(a.reconEnergy), bitsOf(b.reconEnergy));
    QCOMPARE(bitsOf(a.medianAbsError), bitsOf(b.medianAbsError));
    QCOMPARE(bitsOf(a.p95AbsError), bitsOf(b.p95AbsError));
    QCOMPARE(bitsOf(a.weightedSse), bitsOf(b.weightedSse));
}

} // namespace qs::test
