#include "core/io/npy.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/io/mapped_file.h"

#include <algorithm>
#include <cstring>

namespace qs {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

// A minimal parser for the Python dict literal of a .npy header: string keys; values that are
// strings, True/False, or tuples of non-negative integers.
class HeaderParser {
public:
    HeaderParser(const char* p, size_t n, const std::string& where)
        : m_p(p), m_end(p + n), m_where(where)
    {
    }

    void parse(NpyHeader& h)
    {
        bool haveDescr = false, haveFortran = false, haveShape = false;
        skipSpace();
        expect('{');
        for (;;) {
            if (atListEnd('}'))
                break;
            const std::string key = parseString();
            skipSpace();
            expect(':');
            skipSpace();
            if (key == "descr") {
                if (peek() != '\'' && peek() != '"')
                    fail("'descr' is not a simple dtype string (structured dtypes are not "
                         "supported)");
                h.descr = parseString();
                haveDescr = true;
            } else if (key == "fortran_order") {
                h.fortranOrder = parseBool();
                haveFortran = true;
            } else if (key == "shape") {
                h.shape = parseTuple();
                haveShape = true;
            } else {
                fail("unexpected key '" + key + "'");
            }
            if (!nextItem('}'))
                break;
        }
        skipSpace();
        if (m_p != m_end)
            fail("unexpected text after the header dictionary");
        if (!haveDescr || !haveFortran || !haveShape)
            fail(std::string("missing key '") +
                 (!haveDescr     ? "descr"
                  : !haveFortran ? "fortran_order"
                                 : "shape") +
                 "'");
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error(m_where + ": invalid .npy header: " + what);
    }
    char peek() const { return m_p < m_end ? *m_p : '\0'; }
    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }
    void expect(char c)
    {
        if (peek() != c)
            fail(std::string("expected '") + c + "'");
        ++m_p;
    }
    // Before an item of a {...} or (...) list: consumes `close` when the list ends here.
    bool atListEnd(char close)
    {
        skipSpace();
        if (peek() != close)
            return false;
        ++m_p;
        return true;
    }
    // After an item: consumes the ',' when another item may follow, else expects `close`.
    bool nextItem(char close)
    {
        skipSpace();
        if (peek() == ',') {
            ++m_p;
            return true;
        }
        skipSpace();
        expect(close);
        return false;
    }
    std::string parseString()
    {
        const char q = peek();
        if (q != '\'' && q != '"')
            fail("expected a quoted key or string");
        ++m_p;
        std::string s;
        while (m_p < m_end && *m_p != q) {
            if (*m_p == '\\')
                fail("escape sequences are not supported in header strings");
            s += *m_p++;
            if (s.size() > 64)
                fail("string too long");
        }
        expect(q);
        return s;
    }
    bool parseBool()
    {
        auto word = [&](const char* w) {
            const size_t n = std::strlen(w);
            if (static_cast<size_t>(m_end - m_p) >= n && std::memcmp(m_p, w, n) == 0) {
                m_p += n;
                return true;
            }
            return false;
        };
        if (word("True"))
            return true;
        if (word("False"))
            return false;
        fail("'fortran_order' must be True or False");
    }
    std::vector<int64_t> parseTuple()
    {
        std::vector<int64_t> dims;
        expect('(');
        for (;;) {
            if (atListEnd(')'))
                return dims;
            if (peek() < '0' || peek() > '9')
                fail("'shape' must be a tuple of non-negative integers");
            int64_t v = 0;
            while (peek() >= '0' && peek() <= '9') {
                const int d = *m_p++ - '0';
                if (v > (INT64_MAX - d) / 10)
                    fail("a dimension in 'shape' is too large");
                v = v * 10 + d;
            }
            if (peek() == 'L') // Python 2 long literal
                ++m_p;
            dims.push_back(v);
            if (dims.size() > 64)
                fail("'shape' has more than 64 dimensions");
            if (!nextItem(')'))
                return dims;
        }
    }

    const char* m_p;
    const char* m_end;
    const std::string& m_where;
};

void parseDescr(NpyHeader& h, const std::string& where)
{
    const std::string& d = h.descr;
    size_t i = 0;
    char order = '=';
    if (!d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '='))
        order = d[i++];
    const std::string code = d.substr(i);
    static const struct {
        const char* code;
        ElementType type;
    } table[] = {{"f2", ElementType::F16}, {"f4", ElementType::F32}, {"f8", ElementType::F64},
                 {"i1", ElementType::I8},  {"i2", ElementType::I16}, {"i4", ElementType::I32},
                 {"i8", ElementType::I64}, {"u1", ElementType::U8},  {"u2", ElementType::U16},
                 {"u4", ElementType::U32}, {"u8", ElementType::U64}, {"b1", ElementType::Bool}};
    for (const auto& e : table) {
        if (code == e.code) {
            h.type = e.type;
            h.bigEndian = order == '>'; // '=' is native: little-endian on supported hosts
            return;
        }
    }
    throw Error(where + ": unsupported dtype '" + d +
                "' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order)");
}

std::string stemOf(const std::string& path)
{
    std::string name = fileDisplayName(path);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
        name.resize(name.size() - 4);
    return name;
}

} // namespace

NpyHeader parseNpyHeader(const uint8_t* data, size_t size, const std::string& where,
                         bool checkDataSize)
{
    if (size == 0)
        throw Error(where + ": file is empty");
    if (size < kMagicLen || std::memcmp(data, kMagic, kMagicLen) != 0)
        throw Error(where + ": not a .npy file (wrong magic; expected \\x93NUMPY)");
    if (size < 8)
        throw Error(where + ": truncated .npy file (" + std::to_string(size) +
                    " bytes, no version)");
    NpyHeader h;
    h.major = data[6];
    h.minor = data[7];
    if (h.major < 1 || h.major > 3 || h.minor != 0)
        throw Error(where + ": unsupported .npy format version " + std::to_string(h.major) + "." +
                    std::to_string(h.minor) + " (supported: 1.0, 2.0, 3.0)");
    const size_t lenBytes = h.major == 1 ? 2 : 4;
    if (size < 8 + lenBytes)
        throw Error(where + ": truncated .npy file (" + std::to_string(size) +
                    " bytes, header length missing)");
    const size_t headerLen = readLE(data + 8, static_cast<int>(lenBytes));
    if (headerLen > kNpyMaxHeaderLength)
        throw Error(where + ": header length " + std::to_string(headerLen) +
                    " bytes exceeds the limit of " + std::to_string(kNpyMaxHeaderLength));
    const size_t start = 8 + lenBytes;
    if (headerLen > size - start)
        throw Error(where + ": header says " + std::to_string(headerLen) +
                    " header bytes but only " + std::to_string(size - start) + " bytes follow");
    HeaderParser(reinterpret_cast<const char*>(data + start), headerLen, where).parse(h);
    parseDescr(h, where);

    int64_t numel = 1;
    for (int64_t d : h.shape) {
        if (d != 0 && numel > INT64_MAX / d)
            throw Error(where + ": shape " + [&] {
                std::string s = "(";
                for (size_t i = 0; i < h.shape.size(); ++i)
                    s += (i ? ", " : "") + std::to_string(h.shape[i]);
                return s + ")";
            }() + " has more elements than fit in 64 bits");
        numel *= d;
    }
    const size_t esz = elementSize(h.type);
    if (static_cast<uint64_t>(numel) > (SIZE_MAX / 2) / esz)
        throw Error(where + ": shape has " + std::to_string(numel) +
                    " elements, too many to address");
    h.numel = numel;
    h.dataOffset = start + headerLen;
    h.dataBytes = static_cast<size_t>(numel) * esz;
    if (checkDataSize) {
        const size_t follow = size - h.dataOffset;
        if (follow != h.dataBytes) {
            throw Error(where + ": header says " + std::to_string(numel) + " " +
                        elementTypeName(h.type) + " values (" + std::to_string(h.dataBytes) +
                        " bytes) but " + (follow < h.dataBytes ? "only " : "") +
                        std::to_string(follow) + " bytes follow");
        }
    }
    return h;
}

Tensor decodeNpy(const uint8_t* data, size_t size, const std::string& where,
                 const std::string& name, std::vector<std::string>* warnings)
{
    const NpyHeader h = parseNpyHeader(data, size, where, true);
    std::vector<float> values(static_cast<size_t>(h.numel));
    ConversionStats stats;
    const uint8_t* src = data + h.dataOffset;
    if (!h.fortranOrder || h.shape.size() < 2) {
        convertToFloat(src, h.type, h.bigEndian, h.numel, values.data(), stats);
    } else {
        // Fortran order: element (i0, ..., ik) is at sum i_j * prod_{l<j} d_l. Walk the
        // row-major output and keep the column-major source offset up to date.
        std::vector<float> colMajor(static_cast<size_t>(h.numel));
        convertToFloat(src, h.type, h.bigEndian, h.numel, colMajor.data(), stats);
        const size_t r = h.shape.size();
        std::vector<int64_t> fstride(r), idx(r, 0);
        int64_t s = 1;
        for (size_t k = 0; k < r; ++k) {
            fstride[k] = s;
            s *= h.shape[k];
        }
        int64_t off = 0;
        for (int64_t i = 0; i < h.numel; ++i) {
            values[static_cast<size_t>(i)] = colMajor[static_cast<size_t>(off)];
            for (size_t k = r; k-- > 0;) {
                if (++idx[k] < h.shape[k]) {
                    off += fstride[k];
                    break;
                }
                off -= (h.shape[k] - 1) * fstride[k];
                idx[k] = 0;
            }
        }
    }
    if (warnings) {
        const std::string w = conversionWarning(where, h.type, h.numel, stats);
        if (!w.empty())
            warnings->push_back(w);
    }
    Tensor t(name, h.shape, std::move(values));
    t.dtype = h.descr;
    return t;
}

Tensor loadNpy(const std::string& path, std::vector<std::string>* warnings)
{
    return parseMappedFile(
        path, [&](auto... file) { return decodeNpy(file..., stemOf(path), warnings); });
}

std::string encodeNpyHeader(const std::string& descr, bool fortranOrder,
                            const std::vector<int64_t>& shape)
{
    std::string dict = "{'descr': '" + descr +
                       "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': (";
    for (size_t i = 0; i < shape.size(); ++i)
        dict += (i ? ", " : "") + std::to_string(shape[i]);
    dict += shape.size() == 1 ? ",), }" : "), }";
    // Pad with spaces so that magic + version + length + dict + '\n' is a multiple of 64.
    size_t pre = 10;
    size_t total = pre + dict.size() + 1;
    int major = 1;
    if ((total + 63) / 64 * 64 - pre > 65535) {
        major = 2;
        pre = 12;
        total = pre + dict.size() + 1;
    }
    const size_t padded = (total + 63) / 64 * 64;
    dict.append(padded - total, ' ');
    dict += '\n';
    const size_t len = dict.size();
    std::string out(kMagic, kMagicLen);
    out += static_cast<char>(major);
    out += '\0';
    for (size_t i = 0; i < pre - 8; ++i)
        out += static_cast<char>((len >> (8 * i)) & 0xff);
    return out + dict;
}

std::string smallestCodeDtype(int64_t minCode, int64_t maxCode)
{
    if (minCode >= 0 && maxCode <= 255)
        return "|u1";
    if (minCode >= -128 && maxCode <= 127)
        return "|i1";
    if (minCode >= 0 && maxCode <= 65535)
        return "<u2";
    if (minCode >= -32768 && maxCode <= 32767)
        return "<i2";
    return "<i4";
}

namespace {
void checkCount(const std::string& path, const std::vector<int64_t>& shape, size_t n)
{
    int64_t p = 1;
    for (int64_t d : shape) {
        if (d < 0 || (d != 0 && p > INT64_MAX / d))
            throw Error(fileDisplayName(path) + ": invalid shape for writing");
        p *= d;
    }
    if (static_cast<uint64_t>(p) != n)
        throw Error(fileDisplayName(path) + ": shape holds " + std::to_string(p) + " values but " +
                    std::to_string(n) + " were given");
}

template <class T> void appendLE(std::string& out, T v)
{
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    // Hosts are little-endian (x86-64, arm64); the writer produces '<' data.
    out.append(reinterpret_cast<const char*>(b), sizeof(T));
}
} // namespace

void writeNpyFloat32(const std::string& path, const std::vector<int64_t>& shape,
                     const std::vector<float>& values,
                     const std::vector<std::string>& protectedPaths)
{
    checkCount(path, shape, values.size());
    AtomicFile f(path, protectedPaths);
    f.write(encodeNpyHeader("<f4", false, shape));
    f.write(values.data(), values.size() * sizeof(float));
    f.commit();
}

namespace {

template <class Codes>
std::string writeCodes(const std::string& path, const std::vector<int64_t>& shape,
                       const Codes& codes, const std::vector<std::string>& protectedPaths)
{
    checkCount(path, shape, codes.size());
    int64_t lo = 0, hi = 0;
    if (!codes.empty()) {
        const auto mm = std::minmax_element(codes.begin(), codes.end());
        lo = *mm.first;
        hi = *mm.second;
    }
    const std::string descr = smallestCodeDtype(lo, hi);
    AtomicFile f(path, protectedPaths);
    f.write(encodeNpyHeader(descr, false, shape));
    std::string chunk;
    const size_t kChunk = 1 << 16;
    for (size_t i = 0; i < codes.size(); i += kChunk) {
        chunk.clear();
        const size_t end = std::min(codes.size(), i + kChunk);
        for (size_t j = i; j < end; ++j) {
            const int32_t c = codes[j];
            if (descr == "|u1")
                appendLE(chunk, static_cast<uint8_t>(c));
            else if (descr == "|i1")
                appendLE(chunk, static_cast<int8_t>(c));
            else if (descr == "<u2")
                appendLE(chunk, static_cast<uint16_t>(c));
            else if (descr == "<i2")
                appendLE(chunk, static_cast<int16_t>(c));
            else
                appendLE(chunk, c);
        }
        f.write(chunk);
    }
    f.commit();
    return descr;
}

} // namespace

std::string writeNpyCodes(const std::string& path, const std::vector<int64_t>& shape,
                          const std::vector<int32_t>& codes,
                          const std::vector<std::string>& protectedPaths)
{
    return writeCodes(path, shape, codes, protectedPaths);
}

std::string writeNpyCodes(const std::string& path, const std::vector<int64_t>& shape,
                          const CodeBuffer& codes, const std::vector<std::string>& protectedPaths)
{
    return writeCodes(path, shape, codes, protectedPaths);
}

} // namespace qs
