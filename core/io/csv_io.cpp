#include "core/io/csv_io.h"

#include "core/base/error.h"
#include "core/io/atomic_file.h"
#include "core/io/element_convert.h"
#include "core/io/mapped_file.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace qs {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// log10 of the leading nonzero digit's place value (+ exponent) of a decimal numeral.
int64_t decimalMagnitude(std::string_view f)
{
    int64_t intDigits = 0, zerosAfterPoint = 0;
    bool seen = false, afterPoint = false;
    size_t i = 0;
    for (; i < f.size(); ++i) {
        const char c = f[i];
        if (c == '.') {
            afterPoint = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        if (!seen && c != '0')
            seen = true;
        if (seen && !afterPoint)
            ++intDigits;
        else if (!seen && afterPoint)
            ++zerosAfterPoint;
    }
    int64_t exp = 0;
    if (i < f.size() && (f[i] == 'e' || f[i] == 'E')) {
        ++i;
        bool neg = false;
        if (i < f.size() && (f[i] == '+' || f[i] == '-'))
            neg = f[i++] == '-';
        for (; i < f.size() && f[i] >= '0' && f[i] <= '9'; ++i)
            if (exp < 1000000000)
                exp = exp * 10 + (f[i] - '0');
        if (neg)
            exp = -exp;
    }
    return (intDigits > 0 ? intDigits - 1 : -(zerosAfterPoint + 1)) + exp;
}

// Parses a whole field as a number; false if it is not one.
bool parseNumber(std::string_view f, double& v);

// With ';' or tab delimiters a single ',' is a decimal comma ("1,5" = 1.5).
bool parseField(std::string_view f, char delim, double& v)
{
    if (parseNumber(f, v))
        return true;
    const size_t comma = f.find(',');
    if ((delim == ';' || delim == '\t') && comma != std::string_view::npos &&
        f.find(',', comma + 1) == std::string_view::npos && f.size() < 128) {
        std::string copy(f);
        copy[comma] = '.';
        return parseNumber(copy, v);
    }
    return false;
}

bool parseNumber(std::string_view f, double& v)
{
    if (f.empty())
        return false;
    bool neg = false;
    if (f.front() == '+' || f.front() == '-') {
        neg = f.front() == '-';
        f.remove_prefix(1);
        if (f.empty() || f.front() == '+' || f.front() == '-')
            return false;
    }
    const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
    if (r.ptr != f.data() + f.size())
        return false;
    if (r.ec == std::errc::result_out_of_range) {
        // Too large -> inf, too small -> 0: decide by the decimal magnitude of the leading
        // nonzero digit plus the exponent (from_chars leaves v unchanged in this case).
        v = decimalMagnitude(f) > 0 ? HUGE_VAL : 0.0;
    } else if (r.ec != std::errc()) {
        return false;
    }
    if (neg)
        v = -v;
    return true;
}

template <class F> void splitFields(std::string_view line, char delim, F&& f)
{
    if (delim == ' ') {
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                ++i;
            if (i >= line.size())
                break;
            size_t j = i;
            while (j < line.size() && line[j] != ' ' && line[j] != '\t')
                ++j;
            f(line.substr(i, j - i));
            i = j;
        }
    } else {
        size_t i = 0;
        for (;;) {
            const size_t j = line.find(delim, i);
            f(trim(line.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i)));
            if (j == std::string_view::npos)
                break;
            i = j + 1;
        }
    }
}

std::string shortField(std::string_view f)
{
    return f.size() > 40 ? std::string(f.substr(0, 40)) + "..." : std::string(f);
}

// One parse: the table's layout so far, its values and the conversion counts.
struct CsvReader {
    const std::string& where;
    CsvInfo info;
    std::vector<float> values;
    ConversionStats stats;
    int64_t firstDataLine = 0;

    // The first non-comment line picks the delimiter; a line with any field that is not a
    // number is the header. Returns whether it was.
    bool readHeader(std::string_view line, int64_t lineNo)
    {
        info.delimiter = line.find(';') != std::string_view::npos    ? ';'
                         : line.find('\t') != std::string_view::npos ? '\t'
                         : line.find(',') != std::string_view::npos  ? ','
                                                                     : ' ';
        bool allNumbers = true;
        std::vector<std::string> fields;
        splitFields(line, info.delimiter, [&](std::string_view f) {
            double v;
            if (!parseField(f, info.delimiter, v))
                allNumbers = false;
            fields.emplace_back(f);
        });
        if (allNumbers)
            return false;
        info.hasHeader = true;
        info.columnNames = std::move(fields);
        info.cols = static_cast<int64_t>(info.columnNames.size());
        firstDataLine = lineNo;
        return true;
    }

    void readRow(std::string_view line, int64_t lineNo)
    {
        int64_t col = 0;
        splitFields(line, info.delimiter, [&](std::string_view f) {
            double v;
            if (!parseField(f, info.delimiter, v)) {
                if (f.empty())
                    throw Error(where + ": line " + std::to_string(lineNo) + ", column " +
                                std::to_string(col + 1) + ": empty value");
                throw Error(where + ": line " + std::to_string(lineNo) + ", column " +
                            std::to_string(col + 1) + ": '" + shortField(f) + "' is not a number");
            }
            if (std::isnan(v))
                ++info.nanCount;
            else if (std::isinf(v))
                ++(v > 0 ? info.posInfCount : info.negInfCount);
            values.push_back(doubleToFloat(v, stats));
            ++col;
        });
        checkColumns(col, lineNo);
        ++info.rows;
    }

    // Every row has as many values as the header, or as the first row when there is none.
    void checkColumns(int64_t col, int64_t lineNo)
    {
        if (info.rows == 0 && info.hasHeader && col != info.cols) {
            throw Error(where + ": line " + std::to_string(lineNo) + " has " + std::to_string(col) +
                        " values but the header (line " + std::to_string(firstDataLine) + ") has " +
                        std::to_string(info.cols));
        } else if (info.rows == 0) {
            info.cols = col;
            firstDataLine = lineNo;
        } else if (col != info.cols) {
            throw Error(where + ": line " + std::to_string(lineNo) + " has " + std::to_string(col) +
                        " values but line " + std::to_string(firstDataLine) + " has " +
                        std::to_string(info.cols));
        }
    }

    void addWarnings(std::vector<std::string>& warnings) const
    {
        if (info.nanCount + info.posInfCount + info.negInfCount > 0)
            warnings.push_back(where + ": " + std::to_string(info.nanCount) + " NaN, " +
                               std::to_string(info.posInfCount) + " +Inf and " +
                               std::to_string(info.negInfCount) + " -Inf values");
        const std::string w =
            conversionWarning(where, ElementType::F64, static_cast<int64_t>(values.size()), stats);
        if (!w.empty())
            warnings.push_back(w);
    }
};

} // namespace

Tensor parseCsv(const char* text, size_t size, const std::string& where, const std::string& name,
                std::vector<std::string>* warnings, CsvInfo* infoOut)
{
    std::string_view all(text, size);
    if (size == 0)
        throw Error(where + ": file is empty");
    if (all.substr(0, 3) == "\xEF\xBB\xBF") // UTF-8 byte order mark (spreadsheet exports)
        all.remove_prefix(3);
    size = all.size();
    if (all.find('\0') != std::string_view::npos)
        throw Error(where + ": not a text file (contains NUL bytes)");
    CsvReader reader{where, {}, {}, {}, 0};
    CsvInfo& info = reader.info;
    bool first = true;
    size_t pos = 0;
    int64_t lineNo = 0;
    while (pos < size) {
        size_t nl = all.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = size;
        const std::string_view line = trim(all.substr(pos, nl - pos));
        pos = nl + 1;
        ++lineNo;
        if (line.empty() || line.front() == '#')
            continue;
        const bool header = first && reader.readHeader(line, lineNo);
        first = false;
        if (!header)
            reader.readRow(line, lineNo);
    }
    if (info.rows == 0)
        throw Error(where + (info.hasHeader ? ": has a header row but no numbers"
                                            : ": contains no numbers"));
    if (warnings)
        reader.addWarnings(*warnings);
    std::vector<int64_t> shape;
    if (info.cols == 1)
        shape = {info.rows};
    else
        shape = {info.rows, info.cols};
    Tensor t(name, shape, std::move(reader.values));
    t.dtype = "float64"; // text numbers are read as double, then rounded to float32
    if (infoOut)
        *infoOut = std::move(info);
    return t;
}

Tensor loadCsv(const std::string& path, std::vector<std::string>* warnings, CsvInfo* info)
{
    MappedFile f(path);
    std::string name = fileDisplayName(path);
    const auto dot = name.find_last_of('.');
    if (dot != std::string::npos && dot > 0)
        name.resize(dot);
    return parseCsv(reinterpret_cast<const char*>(f.data()), f.size(), fileDisplayName(path), name,
                    warnings, info);
}

} // namespace qs
