// Rows for the tests that keep every QuantConfig field honest: the defaults with one field set to
// its example from core/config/config_fields.h (plus what that example needs to be valid). The
// rows come from forEachField, so a new field gets its row without an edit in any test.
#pragma once

#include "core/config/config_fields.h"

#include <QStringList>
#include <QtTest>

#include <string>
#include <type_traits>
#include <vector>

Q_DECLARE_METATYPE(qs::QuantConfig)

namespace qs::test {

struct FieldRow {
    std::string key; // the field's JSON key
    QuantConfig config;
};

inline std::vector<FieldRow> oneChangePerField()
{
    std::vector<FieldRow> rows;
    forEachField([&](const auto& f) {
        QuantConfig c;
        if (f.exampleNeeds)
            f.exampleNeeds(c);
        c.*f.member = f.example;
        rows.push_back({f.key, c});
    });
    return rows;
}

// The data of a QTest function over the rows: a column "config" with the defaults and every row.
inline void addFieldRows()
{
    QTest::addColumn<QuantConfig>("config");
    QTest::newRow("defaults") << QuantConfig();
    for (const FieldRow& row : oneChangePerField())
        QTest::newRow(row.key.c_str()) << row.config;
}

// The keys of the fields where a and b differ ("" when they are equal), for failure messages.
inline std::string differingFields(const QuantConfig& a, const QuantConfig& b)
{
    std::string keys;
    forEachField([&](const auto& f) {
        if (!(a.*f.member == b.*f.member))
            keys += (keys.empty() ? "" : ", ") + std::string(f.key);
    });
    return keys;
}

} // namespace qs::test

// Equal configs, or a failure naming the fields that differ.
#define QVERIFY_SAME_CONFIG(actual, expected)                                                      \
    QVERIFY2((actual) == (expected), qs::test::differingFields((actual), (expected)).c_str())

namespace qs::test {

template <class T> QString cliValueText(const T& v)
{
    if constexpr (std::is_enum_v<T>) {
        return QString::fromStdString(toName(v));
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
        QStringList parts;
        for (double x : v)
            parts << QString::number(x, 'g', 17);
        return parts.join(QLatin1Char(','));
    } else if constexpr (std::is_same_v<T, double>) {
        return QString::number(v, 'g', 17);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        return QString::number(qulonglong(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
        return QString::fromStdString(v);
    } else {
        return QString::number(qlonglong(v));
    }
}

// The quantscope-cli flags that turn the defaults into `config`: one per field that differs
// from its default. The preset label is left out: the CLI sets it only through --preset NAME,
// which starts from that preset's whole config.
inline QStringList cliArgs(const QuantConfig& config)
{
    QStringList args;
    forEachField([&](const auto& f) {
        using T = std::decay_t<decltype(f.defaultValue())>;
        if (f.isDefault(config))
            return;
        if constexpr (std::is_same_v<T, std::string>) {
            if (f.member == &QuantConfig::preset)
                return;
        }
        args << "--" + QString::fromLatin1(f.flag);
        if (!f.isSwitch())
            args << cliValueText(config.*f.member);
    });
    return args;
}

} // namespace qs::test
