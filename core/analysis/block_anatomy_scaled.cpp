// Block anatomy of the schemes with one stored scale per block outside GGML: OCP MX (E8M0
// exponent), bitsandbytes-style absmax blocks (fp32 absmax) and the integer schemes per group
// (scale and zero point). Their bytes are decoded with the result's own code table through
// dequantizeCode, the scale (and zero point) taken from the bytes.
#include "core/analysis/block_anatomy_internal.h"

#include "core/base/error.h"
#include "core/config/choices.h"
#include "core/formats/minifloat.h"
#include "core/formats/nvfp4.h"

#include <cmath>
#include <cstring>

namespace qs::anatomy_detail {

namespace {

// The block's codes decoded with params p whose slice `slice` holds the decoded scale (and zero
// point); one value per code.
std::vector<float> decodeCodes(const QuantParams& p, int64_t slice,
                               const std::vector<int32_t>& codes)
{
    std::vector<float> out(codes.size());
    for (size_t k = 0; k < codes.size(); ++k)
        out[k] = float(dequantizeCode(p, slice, codes[k]));
    return out;
}

template <class T> T readLE(const std::string& bytes, size_t offset)
{
    T v;
    std::memcpy(&v, bytes.data() + offset, sizeof(T));
    return v;
}

float finiteAbsMax(const std::vector<float>& x)
{
    float amax = 0.0f;
    for (float v : x)
        if (std::isfinite(v))
            amax = std::max(amax, std::fabs(v));
    return amax;
}

uint32_t floatBits(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

int codeBits(const QuantParams& p)
{
    int bits = 1;
    while ((int64_t(1) << bits) < p.qmax - p.qmin + 1)
        ++bits;
    return bits;
}

} // namespace

void describeMx(const AnatomyInput& in, BlockAnatomy& a)
{
    const QuantParams& p = in.result.params;
    const int e = std::ilogb(float(p.scale[size_t(in.firstSlice)])) + 127; // X = 2^(e - 127)
    a.bytes.push_back(static_cast<char>(e));
    a.bytes += packCodes(in.codes(0), 8);
    a.layout = "OCP MX block (" + std::to_string(a.bytes.size()) +
               " bytes): E8M0 shared exponent, then one byte per element (" +
               (a.scheme == "mxint8"              ? "int8, 6 fraction bits"
                : a.scheme.rfind("mxfp6", 0) == 0 ? "the float6 bit pattern in the low 6 bits"
                                                  : "the float8 bit pattern") +
               ")";
    a.formula = "x^ = 2^(E8M0 - 127) * element(q)";
    a.fields.push_back(e8m0Field(uint8_t(a.bytes[0])));
    QuantParams decoded = p;
    decoded.scale[size_t(in.firstSlice)] = std::ldexp(1.0, int(uint8_t(a.bytes[0])) - 127);
    a.decodedFromBytes =
        decodeCodes(decoded, in.firstSlice,
                    unpackCodes(a.bytes, 1, size_t(in.blockSize), 8, a.scheme == "mxint8"));
}

void describeNvfp4(const AnatomyInput& in, BlockAnatomy& a)
{
    const float g = nvfp4TensorScale(finiteAbsMax(in.tensor.data));
    const uint8_t sCode = nvfp4BlockScaleCode(finiteAbsMax(in.values()), g);
    a.bytes.push_back(static_cast<char>(sCode));
    a.bytes += packCodes(in.codes(0), 4, false);
    a.layout = "NVFP4 block (" + std::to_string(a.bytes.size()) +
               " bytes): E4M3 block scale s, then 16 E2M1 codes (two per byte, the first in the "
               "low nibble); one fp32 tensor scale g for the whole tensor";
    a.formula = "x^ = E2M1(q) * (s * g)";
    a.fields.push_back(fp32Field("g", g, "tensor scale: largest |x| of the tensor / (6 * 448)"));
    const float sValue = float(decodeMiniFloat(MiniFloat::E4M3, uint8_t(a.bytes[0])));
    a.fields.push_back({"s", sValue,
                        bitPattern(uint8_t(a.bytes[0]) >> 7, 1) + " " +
                            bitPattern((uint8_t(a.bytes[0]) >> 3) & 0xf, 4, 0) + " " +
                            bitPattern(uint8_t(a.bytes[0]) & 0x7, 3, 0),
                        "block scale (E4M3): largest |x| of the block / (6 * g), rounded"});
    QuantParams decoded = in.result.params;
    decoded.scale[size_t(in.firstSlice)] = double(sValue * g);
    a.decodedFromBytes = decodeCodes(
        decoded, in.firstSlice, unpackCodes(a.bytes, 1, size_t(in.blockSize), 4, false, false));
}

void describeAbsmax(const AnatomyInput& in, BlockAnatomy& a)
{
    const QuantParams& p = in.result.params;
    const bool int8 = in.result.config.scheme == Scheme::AbsmaxInt8;
    const int bits = int8 ? 8 : codeBits(p);
    const float absmax = finiteAbsMax(in.values());
    appendLE(a.bytes, floatBits(absmax));
    a.bytes += packCodes(in.codes(0), bits);
    a.layout = "absmax block (" + std::to_string(a.bytes.size()) + " bytes): fp32 absmax, then " +
               std::to_string(in.blockSize) + " codes of " + std::to_string(bits) + " bits" +
               (bits == 4 ? " (two per byte, the first in the high nibble)" : "");
    a.formula = int8 ? "x^ = q * (absmax / 127)" : "x^ = absmax * grid[q]";
    a.fields.push_back(fp32Field("absmax", readLE<float>(a.bytes, 0),
                                 "largest |x| of the block (fp32): the grid's 1 maps to it"));
    QuantParams decoded = p;
    const float stored = readLE<float>(a.bytes, 0);
    decoded.scale[size_t(in.firstSlice)] = int8 ? double(stored / 127.0f) : double(stored);
    a.decodedFromBytes = decodeCodes(decoded, in.firstSlice,
                                     unpackCodes(a.bytes, 4, size_t(in.blockSize), bits, int8));
}

// The scale of an integer group as the engine holds it: the reciprocal s' (float32), a float32
// scale, or a float64 scale. Appends its bytes and field; sets it in `decoded` from the bytes.
void integerScale(const QuantParams& p, size_t s, BlockAnatomy& a, QuantParams& decoded)
{
    if (!p.reciprocal.empty() || p.float32Params) {
        const bool reciprocal = !p.reciprocal.empty();
        appendLE(a.bytes, floatBits(reciprocal ? p.reciprocal[s] : float(p.scale[s])));
        const float f = readLE<float>(a.bytes, 0);
        a.fields.push_back(fp32Field(reciprocal ? "s'" : "scale", f,
                                     reciprocal ? "reciprocal scale, float32: x^ = (q - z) / s'"
                                                : "step between neighbouring codes (float32)"));
        if (reciprocal)
            decoded.reciprocal[s] = f;
        else
            decoded.scale[s] = f;
        return;
    }
    uint64_t u;
    std::memcpy(&u, &p.scale[s], 8);
    appendLE(a.bytes, u);
    const double d = readLE<double>(a.bytes, 0);
    a.fields.push_back({"scale", d,
                        bitPattern(u >> 63, 1) + " " + bitPattern((u >> 52) & 0x7ff, 11, 0) + " " +
                            bitPattern(u & ((uint64_t(1) << 52) - 1), 52, 0),
                        "step between neighbouring codes (float64)"});
    decoded.scale[s] = d;
}

void describeIntegerGroup(const AnatomyInput& in, BlockAnatomy& a)
{
    const QuantResult& r = in.result;
    const QuantParams& p = r.params;
    const size_t s = size_t(in.firstSlice);
    QuantParams decoded = p;
    integerScale(p, s, a, decoded);
    const size_t zOffset = a.bytes.size();
    appendLE(a.bytes, static_cast<uint16_t>(p.zeroPoint[s]));
    const int bits = r.config.storageBits();
    a.bytes += packCodes(in.codes(int32_t(p.zeroPoint[s])), bits);
    a.layout = "group of " + std::to_string(in.blockSize) + " (" + std::to_string(a.bytes.size()) +
               " bytes): the scale (" + std::to_string(zOffset) +
               " bytes), int16 zero point, then codes of " + std::to_string(bits) +
               " bits, LSB first";
    a.formula = p.reciprocal.empty() ? "x^ = scale * (q - z)" : "x^ = (q - z) / s'";
    const int16_t z = readLE<int16_t>(a.bytes, zOffset);
    a.fields.push_back(intField("zero point", z, uint16_t(z), 16, "the code of 0"));
    decoded.zeroPoint[s] = z;
    a.decodedFromBytes =
        decodeCodes(decoded, in.firstSlice,
                    unpackCodes(a.bytes, zOffset + 2, size_t(in.blockSize), bits, p.qmin < 0));
}

} // namespace qs::anatomy_detail
