#include "core/report/result_csv.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/io/mapped_file.h"

#include <charconv>

namespace qs {

namespace {
template <class T> void appendNumber(std::string& out, T v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}
} // namespace

void writeResultCsv(const std::string& path, const Tensor& original, const QuantResult& result,
                    const std::vector<std::string>& protectedPaths)
{
    const size_t n = original.data.size();
    if (result.codes.size() != n || result.dequantized.size() != n)
        throw Error(fileDisplayName(path) + ": the result does not belong to this tensor (" +
                    std::to_string(result.codes.size()) + " codes for " + std::to_string(n) +
                    " values)");
    AtomicFile f(path, protectedPaths);
    std::string buf = "index,original,code,dequantized,error\n";
    buf.reserve(1 << 20);
    for (size_t i = 0; i < n; ++i) {
        const float x = original.data[i];
        const float xh = result.dequantized[i];
        appendNumber(buf, static_cast<uint64_t>(i));
        buf += ',';
        appendNumber(buf, x);
        buf += ',';
        appendNumber(buf, result.codes[i]);
        buf += ',';
        appendNumber(buf, xh);
        buf += ',';
        appendNumber(buf, static_cast<double>(x) - static_cast<double>(xh));
        buf += '\n';
        if (buf.size() > (1 << 20) - 256) {
            f.write(buf);
            buf.clear();
        }
    }
    f.write(buf);
    f.commit();
}

} // namespace qs
