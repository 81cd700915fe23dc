// GgufValue: reading scalars back out of their stored bytes, and printing values.
#include "core/io/element_convert.h"
#include "core/io/gguf.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace qs {

namespace {

// Text for one line of a display: control characters escaped ("\n", "\x01"), cut after
// 160 bytes with the full length noted.
std::string displayText(const std::string& text)
{
    constexpr size_t kMax = 160;
    std::string out;
    for (size_t i = 0; i < text.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else
            out += static_cast<char>(c);
    }
    if (text.size() > kMax)
        out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

} // namespace

size_t ggufScalarSize(GgufValueType t)
{
    static const uint8_t sizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    const auto i = static_cast<uint32_t>(t);
    return i < 13 ? sizes[i] : 0;
}

std::string ggufValueTypeName(GgufValueType t)
{
    static const char* const names[] = {"U8",   "I8",     "U16",   "I16", "U32", "I32", "F32",
                                        "BOOL", "STRING", "ARRAY", "U64", "I64", "F64"};
    const auto i = static_cast<uint32_t>(t);
    return i < 13 ? names[i] : "type " + std::to_string(i);
}

uint64_t GgufValue::asUInt() const
{
    return ggufScalarSize(type) ? bits : 0;
}

int64_t GgufValue::asInt() const
{
    const size_t n = ggufScalarSize(type);
    if (n == 0)
        return 0;
    if (type == GgufValueType::I8 || type == GgufValueType::I16 || type == GgufValueType::I32) {
        const uint64_t sign = uint64_t(1) << (8 * n - 1);
        return static_cast<int64_t>(bits ^ sign) - static_cast<int64_t>(sign);
    }
    return static_cast<int64_t>(bits);
}

double GgufValue::asDouble() const
{
    if (type == GgufValueType::F32) {
        float f;
        const auto b = static_cast<uint32_t>(bits);
        std::memcpy(&f, &b, 4);
        return f;
    }
    if (type == GgufValueType::F64) {
        double d;
        std::memcpy(&d, &bits, 8);
        return d;
    }
    const bool isSigned = type == GgufValueType::I8 || type == GgufValueType::I16 ||
                          type == GgufValueType::I32 || type == GgufValueType::I64;
    return isSigned ? static_cast<double>(asInt()) : static_cast<double>(asUInt());
}

GgufValue GgufValue::element(uint64_t i) const
{
    GgufValue v;
    v.type = elementType;
    const size_t n = ggufScalarSize(elementType);
    if (type != GgufValueType::Array || n == 0 || i >= count)
        return v;
    for (size_t k = 0; k < n; ++k)
        v.bits |= uint64_t(static_cast<uint8_t>(raw[i * n + k])) << (8 * k);
    return v;
}

std::string GgufValue::printable(size_t maxItems) const
{
    switch (type) {
    case GgufValueType::String:
        return displayText(text);
    case GgufValueType::Bool:
        return bits ? "true" : "false";
    case GgufValueType::F32:
        return shortestDecimal(static_cast<float>(asDouble()));
    case GgufValueType::F64:
        return shortestDecimal(asDouble());
    case GgufValueType::I8:
    case GgufValueType::I16:
    case GgufValueType::I32:
    case GgufValueType::I64:
        return std::to_string(asInt());
    case GgufValueType::Array:
        break;
    default:
        return std::to_string(asUInt());
    }
    std::string s = "[";
    const uint64_t shown = count < maxItems ? count : maxItems;
    for (uint64_t i = 0; i < shown; ++i) {
        const bool quoted = elementType == GgufValueType::String;
        std::string item;
        if (elementType == GgufValueType::String)
            item = displayText(strings[i]);
        else
            item = items.empty() ? element(i).printable(maxItems) : items[i].printable(maxItems);
        s += (i ? ", " : "") + (quoted ? "\"" + item + "\"" : item);
    }
    if (shown < count)
        return s + ", ...] (" + std::to_string(count) + " items)";
    return s + "]";
}

} // namespace qs
