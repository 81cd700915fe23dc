#include "ui/support/quantity_text.h"

#include "core/base/tensor.h"

namespace qs::ui {

namespace {

// v in the largest unit of `units` (each `step` times the previous) that keeps it >= 1.
QString compact(double v, double step, const char* const* units, int unitCount)
{
    int u = 0;
    while (u + 1 < unitCount && v >= step) {
        v /= step;
        ++u;
    }
    const int decimals = (u == 0 || v >= 100) ? 0 : 1;
    return QStringLiteral("%1 %2").arg(v, 0, 'f', decimals).arg(QLatin1String(units[u]));
}

// Length of the digit run starting at i.
int digitRun(const QString& s, int i)
{
    int j = i;
    while (j < s.size() && s[j].isDigit())
        ++j;
    return j - i;
}

// Compares the digit runs a[i, i+n) and b[j, j+m) as numbers: <0, 0, >0.
int compareNumbers(const QString& a, int i, int n, const QString& b, int j, int m)
{
    while (n > 1 && a[i] == QLatin1Char('0')) {
        ++i;
        --n;
    }
    while (m > 1 && b[j] == QLatin1Char('0')) {
        ++j;
        --m;
    }
    if (n != m)
        return n < m ? -1 : 1;
    for (int k = 0; k < n; ++k)
        if (a[i + k] != b[j + k])
            return a[i + k] < b[j + k] ? -1 : 1;
    return 0;
}

} // namespace

QString formatCount(int64_t count)
{
    static const char* const units[] = {"", "K", "M", "B", "T"};
    if (count < 1000)
        return QString::number(count);
    return compact(double(count), 1000.0, units, 5);
}

QString formatSize(int64_t bytes)
{
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    return compact(double(bytes), 1024.0, units, 6);
}

QString shapeText(const std::vector<int64_t>& shape)
{
    return QString::fromStdString(shapeString(shape));
}

bool naturalLess(const QString& a, const QString& b)
{
    int i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const int n = digitRun(a, i), m = digitRun(b, j);
        if (n && m) {
            if (const int c = compareNumbers(a, i, n, b, j, m))
                return c < 0;
            i += n;
            j += m;
            continue;
        }
        const QChar x = a[i].toCaseFolded(), y = b[j].toCaseFolded();
        if (x != y)
            return x < y;
        ++i;
        ++j;
    }
    if (a.size() - i != b.size() - j)
        return a.size() - i < b.size() - j;
    return a < b; // equal but for case or leading zeros: a fixed order
}

} // namespace qs::ui
