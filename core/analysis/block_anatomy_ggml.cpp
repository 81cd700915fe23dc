// Block anatomy of the GGML types and MXFP4: llama.cpp's block bytes, their fields read back
// from the bytes (core/io/ggml_blocks.h layouts) and the bytes decoded by dequantize_row_*.
#include "core/analysis/block_anatomy_internal.h"

#include "core/base/error.h"
#include "core/formats/ggml.h"
#include "core/io/ggml_blocks.h"
#include "core/io/gguf_writer.h"
#include "core/quant/gguf_export.h"

#include <algorithm>
#include <cstring>

namespace qs::anatomy_detail {

namespace {

using Fields = std::vector<AnatomyField>;

std::string num(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

template <class Block> Block blockOf(const std::string& bytes)
{
    Block b;
    if (bytes.size() != sizeof(Block))
        throw Error("block of " + std::to_string(bytes.size()) + " bytes, expected " +
                    std::to_string(sizeof(Block)));
    std::memcpy(&b, bytes.data(), sizeof(Block));
    return b;
}

AnatomyField dField(uint16_t d)
{
    return fp16Field("d", d, "fp16 block scale");
}

AnatomyField qhField(const uint8_t qh[4])
{
    uint32_t h;
    std::memcpy(&h, qh, 4);
    return intField("qh", h, h, 32, "fifth bit of element j at bit j (little-endian word)");
}

// The sub-block scale fields "scale[j]" of `count` sub-blocks of `size` elements.
void subScales(Fields& f, const char* name, const int* values, int count, int width, int bias,
               int size, float d, const char* what)
{
    const std::string product = std::string(name == std::string("min") ? "dmin*" : "d*") + name;
    for (int j = 0; j < count; ++j) {
        const int v = values[j] - bias;
        f.push_back(intField(std::string(name) + "[" + std::to_string(j) + "]", v,
                             uint64_t(values[j]) & ((1u << width) - 1), width,
                             std::string(what) + ", elements " + std::to_string(j * size) + "-" +
                                 std::to_string(j * size + size - 1) + ": " + product + " = " +
                                 num(double(d) * v)));
    }
}

void q4_0Fields(const std::string& b, Fields& f)
{
    f.push_back(dField(blockOf<BlockQ4_0>(b).d));
}

void q4_1Fields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ4_1>(b);
    f.push_back(dField(q.d));
    f.push_back(fp16Field("m", q.m, "fp16 block minimum, added to every element"));
}

void q8_0Fields(const std::string& b, Fields& f)
{
    f.push_back(dField(blockOf<BlockQ8_0>(b).d));
}

void q5_0Fields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ5_0>(b);
    f.push_back(dField(q.d));
    f.push_back(qhField(q.qh));
}

void q5_1Fields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ5_1>(b);
    f.push_back(dField(q.d));
    f.push_back(fp16Field("m", q.m, "fp16 block minimum, added to every element"));
    f.push_back(qhField(q.qh));
}

void superScales(Fields& f, uint16_t d, uint16_t dmin)
{
    f.push_back(fp16Field("d", d, "fp16 super-block scale of the sub-block scales"));
    f.push_back(fp16Field("dmin", dmin, "fp16 super-block scale of the sub-block mins"));
}

void q2_kFields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ2_K>(b);
    superScales(f, q.d, q.dmin);
    int sc[16], mn[16];
    for (int j = 0; j < 16; ++j) {
        sc[j] = q.scales[j] & 0xf;
        mn[j] = q.scales[j] >> 4;
    }
    subScales(f, "scale", sc, 16, 4, 0, 16, ggmlHalfToFloat(q.d), "4-bit");
    subScales(f, "min", mn, 16, 4, 0, 16, ggmlHalfToFloat(q.dmin), "4-bit");
}

void q3_kFields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ3_K>(b);
    f.push_back(fp16Field("d", q.d, "fp16 super-block scale of the sub-block scales"));
    int sc[16];
    ggmlUnpackQ3Scales(q.scales, sc);
    subScales(f, "scale", sc, 16, 6, 32, 16, ggmlHalfToFloat(q.d), "6-bit, stored + 32");
}

void kScales(Fields& f, uint16_t d, uint16_t dmin, const uint8_t scales[12])
{
    superScales(f, d, dmin);
    int sc[8], mn[8];
    for (int j = 0; j < 8; ++j)
        ggmlScaleMinK4(j, scales, sc[j], mn[j]);
    subScales(f, "scale", sc, 8, 6, 0, 32, ggmlHalfToFloat(d), "6-bit");
    subScales(f, "min", mn, 8, 6, 0, 32, ggmlHalfToFloat(dmin), "6-bit");
}

void q4_kFields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ4_K>(b);
    kScales(f, q.d, q.dmin, q.scales);
}

void q5_kFields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ5_K>(b);
    kScales(f, q.d, q.dmin, q.scales);
}

void q6_kFields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockQ6_K>(b);
    f.push_back(fp16Field("d", q.d, "fp16 super-block scale of the sub-block scales"));
    int sc[16];
    for (int j = 0; j < 16; ++j)
        sc[j] = q.scales[j];
    subScales(f, "scale", sc, 16, 8, 0, 16, ggmlHalfToFloat(q.d), "8-bit signed");
}

void iq4_nlFields(const std::string& b, Fields& f)
{
    f.push_back(dField(blockOf<BlockIQ4_NL>(b).d));
}

void iq4_xsFields(const std::string& b, Fields& f)
{
    const auto q = blockOf<BlockIQ4_XS>(b);
    f.push_back(fp16Field("d", q.d, "fp16 super-block scale of the sub-block scales"));
    f.push_back(intField("scales_h", q.scales_h, q.scales_h, 16,
                         "high two bits of each 6-bit scale, sub-block j at bits 2j"));
    for (int j = 0; j < 4; ++j)
        f.push_back(intField("scales_l[" + std::to_string(j) + "]", q.scales_l[j], q.scales_l[j], 8,
                             "low four bits of scales " + std::to_string(2 * j) +
                                 " (low nibble) and " + std::to_string(2 * j + 1) +
                                 " (high nibble)"));
    int ls[8];
    for (int j = 0; j < 8; ++j)
        ls[j] = ((q.scales_l[j / 2] >> 4 * (j % 2)) & 0xf) | (((q.scales_h >> 2 * j) & 3) << 4);
    subScales(f, "scale", ls, 8, 6, 32, 32, ggmlHalfToFloat(q.d), "6-bit, stored + 32");
}

void mxfp4Fields(const std::string& b, Fields& f)
{
    f.push_back(e8m0Field(blockOf<BlockMXFP4>(b).e));
}

struct GgmlRow {
    const char* type;
    void (*fields)(const std::string& bytes, Fields& f);
    const char* layout;
    const char* formula;
};

const GgmlRow kRows[] = {
    {"Q8_0", q8_0Fields, "fp16 d, then 32 int8 codes", "x^ = d*q"},
    {"Q4_0", q4_0Fields,
     "fp16 d, then 16 bytes: element j in the low nibble of byte j, j+16 in the high one",
     "x^ = d*(q - 8)"},
    {"Q4_1", q4_1Fields, "fp16 d, fp16 m, then 16 bytes of nibbles as Q4_0", "x^ = d*q + m"},
    {"Q5_0", q5_0Fields, "fp16 d, 4 bytes qh of fifth bits, 16 bytes of low nibbles as Q4_0",
     "x^ = d*(q - 16)"},
    {"Q5_1", q5_1Fields, "fp16 d, fp16 m, 4 bytes qh, 16 bytes of low nibbles", "x^ = d*q + m"},
    {"Q2_K", q2_kFields,
     "16 bytes of 4-bit scale | 4-bit min, 64 bytes of 2-bit codes, fp16 d, dmin",
     "x^ = d*scale[j]*q - dmin*min[j], j = sub-block of 16"},
    {"Q3_K", q3_kFields,
     "32 bytes hmask (third bits), 64 bytes of 2-bit codes, 12 bytes of 6-bit scales, fp16 d",
     "x^ = d*scale[j]*(q - 4), j = sub-block of 16"},
    {"Q4_K", q4_kFields,
     "fp16 d, fp16 dmin, 12 bytes of eight 6-bit scales and mins, 128 bytes of nibbles",
     "x^ = d*scale[j]*q - dmin*min[j], j = sub-block of 32"},
    {"Q5_K", q5_kFields,
     "fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins, 32 bytes qh, 128 bytes of nibbles",
     "x^ = d*scale[j]*q - dmin*min[j], j = sub-block of 32"},
    {"Q6_K", q6_kFields,
     "128 bytes ql (low nibbles), 64 bytes qh (2 high bits), 16 int8 scales, fp16 d",
     "x^ = d*scale[j]*(q - 32), j = sub-block of 16"},
    {"IQ4_NL", iq4_nlFields, "fp16 d, then 16 bytes of grid indices as Q4_0 nibbles",
     "x^ = d*grid[q], grid = kvalues_iq4nl"},
    {"IQ4_XS", iq4_xsFields, "fp16 d, scales_h, 4 bytes scales_l, 128 bytes of grid indices",
     "x^ = d*scale[j]*grid[q], j = sub-block of 32"},
    {"MXFP4", mxfp4Fields, "E8M0 shared exponent, then 16 bytes of E2M1 codes as Q4_0 nibbles",
     "x^ = 2^(E8M0 - 127) * e2m1[q]"},
};

const GgmlRow& rowOf(const std::string& type)
{
    for (const GgmlRow& r : kRows)
        if (type == r.type)
            return r;
    throw Error("no block anatomy for GGML type " + type);
}

// The code a short block is padded with: the code of 0.
int32_t zeroCode(const std::string& type, float d, float m)
{
    if (type == "Q4_0")
        return 8;
    if (type == "Q4_1") // q = trunc((0 - m) / d + 0.5), as the padding zeros are quantized
        return d != 0.0f ? std::min(15, std::max(0, int32_t(-m / d + 0.5f))) : 0;
    return 0;
}

// Q8_0, Q4_0, Q4_1 and MXFP4: the block encoded from the result's codes and parameters.
std::string encodedBytes(const AnatomyInput& in, const GgmlTypeInfo& type)
{
    const QuantParams& p = in.result.params;
    const size_t s = size_t(in.firstSlice);
    const float d = float(p.scale[s]);
    const std::vector<float> offsets =
        p.offset.empty() ? std::vector<float>{} : std::vector<float>{float(p.offset[s])};
    const std::vector<int32_t> codes =
        in.codes(zeroCode(type.name, d, offsets.empty() ? 0.0f : offsets[0]));
    return encodeGgmlBlocks(type, CodeBuffer(codes), {d}, offsets);
}

// A searched type: the block's bytes quantized again as the result was. With importance the
// whole row is (the weighted path uses statistics of the row; an expert's rows have their own
// importance vector).
std::string searchedBytes(const AnatomyInput& in, const GgmlTypeInfo& type)
{
    const Tensor& t = in.tensor;
    const QuantResult& r = in.result;
    if (!r.importanceValues) { // without importance every block is quantized on its own
        const std::vector<float> x = in.values();
        return ggmlQuantizedBytes(x.data(), in.blockSize, ggmlTypeFromName(type.name));
    }
    const int64_t rowLength = t.shape.empty() ? t.numel() : t.shape.back();
    const int64_t first = in.indices.front();
    const int64_t row = first / rowLength;
    const int64_t groups = std::max<int64_t>(1, r.importance.groups);
    const int64_t rowsPerGroup = std::max<int64_t>(1, (t.numel() / rowLength) / groups);
    GgmlImportance weights;
    weights.weights = r.importanceValues->data() +
                      std::min(row / rowsPerGroup, groups - 1) * r.importance.columns;
    const std::string bytes =
        ggmlQuantizedBytes(t.data.data() + row * rowLength, rowLength, ggmlTypeFromName(type.name),
                           rowLength, nullptr, &weights);
    const size_t at = size_t((first - row * rowLength) / in.blockSize) * size_t(type.typeSize);
    return bytes.substr(at, size_t(type.typeSize));
}

} // namespace

void describeGgml(const AnatomyInput& in, BlockAnatomy& a)
{
    const GgmlTypeInfo* type = ggmlTypeOf(in.result.config.scheme);
    if (!type)
        throw Error("scheme '" + a.scheme + "' has no GGML type");
    const GgmlRow& row = rowOf(type->name);
    if (isSearchedGgmlScheme(in.result.config.scheme)) {
        a.bytes = searchedBytes(in, *type);
    } else {
        a.bytes = encodedBytes(in, *type);
    }
    a.layout = "block_" + std::string(type->name) + " (" + std::to_string(type->typeSize) +
               " bytes, " + num(type->bitsPerWeight()) + " bits/element): " + row.layout;
    a.formula = row.formula;
    row.fields(a.bytes, a.fields);
    a.decodedFromBytes.assign(size_t(type->blockSize), 0.0f);
    type->decode(reinterpret_cast<const uint8_t*>(a.bytes.data()), 1, a.decodedFromBytes.data());
}

} // namespace qs::anatomy_detail
