// Block anatomy (block_anatomy.h): the table of block schemes, the geometry of their blocks, the
// element rows and the text forms (hex dump, bit patterns, JSON).
#include "core/analysis/block_anatomy.h"

#include "core/analysis/block_anatomy_internal.h"
#include "core/base/error.h"
#include "core/config/choices.h"
#include "core/io/ggml_blocks.h"
#include "core/report/json_number.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace qs {

namespace {

using namespace anatomy_detail;

// One block scheme: its codes index a non-linear grid (the grid index column), the elements of a
// stored super-block when the result's slices are its sub-blocks (0: a slice is a block), and
// the function that reads its bytes.
struct AnatomyScheme {
    Scheme scheme;
    bool gridIndex;
    int64_t superBlock;
    DescribeFn describe;
};

constexpr int64_t K = kGgmlSuperBlock;

const AnatomyScheme kSchemes[] = {
    {Scheme::Q8_0, false, 0, describeGgml},
    {Scheme::Q4_0, false, 0, describeGgml},
    {Scheme::Q4_1, false, 0, describeGgml},
    {Scheme::Q5_0, false, 0, describeGgml},
    {Scheme::Q5_1, false, 0, describeGgml},
    {Scheme::Q2_K, false, K, describeGgml},
    {Scheme::Q3_K, false, K, describeGgml},
    {Scheme::Q4_K, false, K, describeGgml},
    {Scheme::Q5_K, false, K, describeGgml},
    {Scheme::Q6_K, false, K, describeGgml},
    {Scheme::IQ4_NL, true, 0, describeGgml},
    {Scheme::IQ4_XS, true, K, describeGgml},
    {Scheme::MXFP4, false, 0, describeGgml},
    {Scheme::MXFP8_E4M3, false, 0, describeMx},
    {Scheme::MXFP8_E5M2, false, 0, describeMx},
    {Scheme::MXFP6_E2M3, false, 0, describeMx},
    {Scheme::MXFP6_E3M2, false, 0, describeMx},
    {Scheme::MXINT8, false, 0, describeMx},
    {Scheme::NVFP4, false, 0, describeNvfp4},
    {Scheme::NF4, true, 0, describeAbsmax},
    {Scheme::FP4, true, 0, describeAbsmax},
    {Scheme::Codebook, true, 0, describeAbsmax},
    {Scheme::Dynamic8, true, 0, describeAbsmax},
    {Scheme::AbsmaxInt8, false, 0, describeAbsmax},
    {Scheme::Asymmetric, false, 0, describeIntegerGroup},
    {Scheme::Symmetric, false, 0, describeIntegerGroup},
};

const AnatomyScheme* rowOf(const QuantConfig& c)
{
    for (const AnatomyScheme& s : kSchemes)
        if (s.scheme == c.scheme)
            return (c.isInteger() ? c.granularity == Granularity::PerGroup : c.isBlockwise())
                       ? &s
                       : nullptr;
    return nullptr;
}

int64_t slicesPerBlock(const AnatomyScheme& s, const QuantResult& r)
{
    return s.superBlock > 0 ? s.superBlock / r.params.layout.groupSize : 1;
}

const AnatomyScheme& checkedRow(const QuantResult& r)
{
    const AnatomyScheme* s = rowOf(r.config);
    if (!s)
        throw Error(noBlocksMessage(r.config));
    return *s;
}

AnatomyInput inputOf(const Tensor& t, const QuantResult& r, const AnatomyScheme& s, int64_t block)
{
    AnatomyInput in{t, r, 0, 1, 0, {}};
    in.sliceCount = slicesPerBlock(s, r);
    in.firstSlice = block * in.sliceCount;
    in.blockSize = s.superBlock > 0 ? s.superBlock : r.params.layout.groupSize;
    for (int64_t sl = in.firstSlice; sl < in.firstSlice + in.sliceCount; ++sl)
        r.params.layout.forEachRun(sl, [&](int64_t offset, int64_t count, int64_t stride) {
            for (int64_t k = 0; k < count; ++k)
                in.indices.push_back(offset + k * stride);
        });
    return in;
}

// The row of element k of the block.
AnatomyElement elementRow(const AnatomyInput& in, const AnatomyScheme& s, size_t k)
{
    const QuantResult& r = in.result;
    const QuantParams& p = r.params;
    AnatomyElement e;
    e.index = in.indices[k];
    const size_t i = size_t(e.index);
    e.x = in.tensor.data[i];
    e.code = r.codes[i];
    if (!p.codeValues.empty()) {
        e.gridValue = p.codeValues[size_t(e.code - p.qmin)];
        e.gridIndex = s.gridIndex ? e.code : -1;
    } else {
        e.gridValue = float(e.code - p.zeroPoint[size_t(p.layout.sliceOf(e.index))]);
    }
    e.xhat = r.dequantized[i];
    e.error = double(e.x) - double(e.xhat);
    return e;
}

std::string scientific(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

} // namespace

namespace anatomy_detail {

std::vector<float> AnatomyInput::values() const
{
    std::vector<float> v(size_t(blockSize), 0.0f);
    for (size_t k = 0; k < indices.size(); ++k)
        v[k] = tensor.data[size_t(indices[k])];
    return v;
}

std::vector<int32_t> AnatomyInput::codes(int32_t pad) const
{
    std::vector<int32_t> c(size_t(blockSize), pad);
    for (size_t k = 0; k < indices.size(); ++k)
        c[k] = result.codes[size_t(indices[k])];
    return c;
}

AnatomyField fp16Field(const std::string& name, uint16_t bits, const std::string& meaning)
{
    return {name, ggmlHalfToFloat(bits),
            bitPattern(bits >> 15, 1) + " " + bitPattern((bits >> 10) & 0x1f, 5, 0) + " " +
                bitPattern(bits & 0x3ff, 10, 0),
            meaning};
}

AnatomyField fp32Field(const std::string& name, float v, const std::string& meaning)
{
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    return {name, v,
            bitPattern(bits >> 31, 1) + " " + bitPattern((bits >> 23) & 0xff, 8, 0) + " " +
                bitPattern(bits & 0x7fffff, 23, 0),
            meaning};
}

AnatomyField e8m0Field(uint8_t e)
{
    return {"E8M0", double(int(e) - 127), bitPattern(e, 8, 0),
            "shared exponent: the block scale is 2^(" + std::to_string(int(e)) +
                " - 127) = " + scientific(std::ldexp(1.0, int(e) - 127))};
}

AnatomyField intField(const std::string& name, int64_t value, uint64_t stored, int width,
                      const std::string& meaning)
{
    return {name, double(value), bitPattern(stored, width), meaning};
}

std::string packCodes(const std::vector<int32_t>& codes, int bits, bool highFirst)
{
    std::string out;
    if (bits == 8) {
        for (int32_t c : codes)
            out.push_back(static_cast<char>(c & 0xff));
    } else if (bits == 4) {
        for (size_t k = 0; k < codes.size(); k += 2) {
            const int32_t first = codes[k] & 0xf;
            const int32_t second = k + 1 < codes.size() ? codes[k + 1] & 0xf : 0;
            out.push_back(
                static_cast<char>(highFirst ? (first << 4) | second : (second << 4) | first));
        }
    } else {
        out.assign((codes.size() * size_t(bits) + 7) / 8, '\0');
        for (size_t k = 0; k < codes.size(); ++k)
            for (int b = 0; b < bits; ++b)
                if ((uint32_t(codes[k]) >> b) & 1u) {
                    const size_t bit = k * size_t(bits) + size_t(b);
                    out[bit / 8] = static_cast<char>(uint8_t(out[bit / 8]) | (1u << (bit % 8)));
                }
    }
    return out;
}

std::vector<int32_t> unpackCodes(const std::string& bytes, size_t offset, size_t n, int bits,
                                 bool isSigned, bool highFirst)
{
    std::vector<int32_t> c(n);
    auto byteAt = [&](size_t k) { return uint32_t(uint8_t(bytes[offset + k])); };
    for (size_t k = 0; k < n; ++k) {
        uint32_t v = 0;
        if (bits == 8)
            v = byteAt(k);
        else if (bits == 4)
            v = (k % 2 == 0) == highFirst ? byteAt(k / 2) >> 4 : byteAt(k / 2) & 0xf;
        else
            for (int b = 0; b < bits; ++b) {
                const size_t bit = k * size_t(bits) + size_t(b);
                v |= ((byteAt(bit / 8) >> (bit % 8)) & 1u) << b;
            }
        const bool negative = isSigned && ((v >> (bits - 1)) & 1u);
        c[k] = negative ? int32_t(v) - (int32_t(1) << bits) : int32_t(v);
    }
    return c;
}

} // namespace anatomy_detail

bool hasBlockAnatomy(const QuantConfig& config)
{
    return rowOf(config) != nullptr;
}

std::string noBlocksMessage(const QuantConfig& config)
{
    std::string what = config.isInteger()
                           ? "per-" + toName(config.granularity) + " " +
                                 std::to_string(config.bits) + "-bit " + toName(config.scheme)
                           : "the scheme '" + toName(config.scheme) + "'";
    what[0] = char(std::toupper(static_cast<unsigned char>(what[0])));
    return what + " has no blocks: choose a block scheme such as Q4_K, Q4_0, MXFP4 or NF4, or "
                  "an integer scheme per group";
}

int64_t anatomyBlockCount(const QuantResult& r)
{
    const AnatomyScheme* s = rowOf(r.config);
    return s && r.params.numSlices() > 0 ? r.params.numSlices() / slicesPerBlock(*s, r) : 0;
}

int64_t anatomyBlockOf(const QuantResult& r, int64_t element)
{
    const AnatomyScheme& s = checkedRow(r);
    return r.params.layout.sliceOf(element) / slicesPerBlock(s, r);
}

BlockAnatomy blockAnatomy(const Tensor& t, const QuantResult& r, int64_t block)
{
    const AnatomyScheme& s = checkedRow(r);
    if (r.codes.size() != t.data.size() || r.dequantized.size() != t.data.size())
        throw Error("tensor '" + t.name + "': the result does not belong to this tensor");
    const int64_t count = anatomyBlockCount(r);
    if (block < 0 || block >= count)
        throw Error("block " + std::to_string(block) + " is out of range: the tensor has " +
                    std::to_string(count) + " blocks (0 to " + std::to_string(count - 1) + ")");
    const AnatomyInput in = inputOf(t, r, s, block);
    BlockAnatomy a;
    a.scheme = toName(r.config.scheme);
    a.block = block;
    a.numBlocks = count;
    a.blockSize = in.blockSize;
    a.hasGridIndex = s.gridIndex;
    for (size_t k = 0; k < in.indices.size(); ++k)
        a.elements.push_back(elementRow(in, s, k));
    s.describe(in, a);
    a.decodedFromBytes.resize(in.indices.size()); // the padding is no element
    return a;
}

std::string bitPattern(uint64_t v, int width, int group)
{
    std::string s;
    for (int b = width - 1; b >= 0; --b) {
        s.push_back(((v >> b) & 1u) ? '1' : '0');
        if (group > 0 && b > 0 && b % group == 0)
            s.push_back(' ');
    }
    return s;
}

std::string hexDump(const std::string& bytes)
{
    std::string out;
    char buf[24];
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i % 16 == 0) {
            std::snprintf(buf, sizeof buf, "%s%04zx ", i ? "\n" : "", i);
            out += buf;
        }
        std::snprintf(buf, sizeof buf, " %02x", unsigned(uint8_t(bytes[i])));
        out += buf;
    }
    return out + "\n";
}

std::string blockAnatomyJson(const BlockAnatomy& a)
{
    nlohmann::ordered_json j;
    j["scheme"] = a.scheme;
    j["layout"] = a.layout;
    j["formula"] = a.formula;
    j["block"] = a.block;
    j["blocks"] = a.numBlocks;
    j["block_size"] = a.blockSize;
    std::string hex;
    char buf[4];
    for (char c : a.bytes) {
        std::snprintf(buf, sizeof buf, "%02x", unsigned(uint8_t(c)));
        hex += buf;
    }
    j["bytes"] = hex;
    j["fields"] = nlohmann::ordered_json::array();
    for (const AnatomyField& f : a.fields)
        j["fields"].push_back({{"name", f.name},
                               {"value", jsonNumber(f.value)},
                               {"bits", f.bits},
                               {"meaning", f.meaning}});
    j["elements"] = nlohmann::ordered_json::array();
    for (const AnatomyElement& e : a.elements) {
        nlohmann::ordered_json row = {{"index", e.index}, {"x", jsonNumber(e.x)}, {"code", e.code}};
        if (a.hasGridIndex)
            row["grid_index"] = e.gridIndex;
        row["grid_value"] = jsonNumber(e.gridValue);
        row["xhat"] = jsonNumber(e.xhat);
        row["error"] = jsonNumber(e.error);
        j["elements"].push_back(row);
    }
    return j.dump(2) + "\n";
}

} // namespace qs
