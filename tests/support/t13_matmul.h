// Vector T13 of docs/REFERENCES.md, the integer matmul reference: qA (uint8, sA 0.5, zA 10) =
// [[12, 8], [10, 14]], qB (int8, sB 0.25, zB 0) = [[4, -8], [2, 6]], requantized with sOut 0.25,
// zOut 128 onto uint8.
#pragma once

#include "core/teach/int_matmul.h"

namespace qs::test {

struct T13Inputs {
    QuantMatrix a, b;
    OutputQuant out;
};

inline T13Inputs t13Inputs()
{
    T13Inputs t;
    QuantMatrix& a = t.a;
    QuantMatrix& b = t.b;
    OutputQuant& out = t.out;
    a.rows = a.cols = 2;
    a.codes = {12, 8, 10, 14};
    a.scale = 0.5;
    a.zeroPoint = 10;
    a.qmin = 0;
    a.qmax = 255;
    b.rows = b.cols = 2;
    b.codes = {4, -8, 2, 6};
    b.scale = 0.25;
    b.zeroPoint = 0;
    b.qmin = -128;
    b.qmax = 127;
    out.scale = 0.25;
    out.zeroPoint = 128;
    out.signedCodes = false;
    return t;
}

} // namespace qs::test
