// NumbersPanel: the numbers that explain a quantization result: scale, zero point, code range,
// clipping range, every metric of the core and the warnings. Per-slice results show the range
// of their per-slice values here; the slice table has each slice. valueText(key) gives the
// displayed text of a row so tests and the clipboard see exactly what the user sees.
#pragma once

#include "core/quant/quantize.h"

#include <vector>

#include <QString>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace qs::ui {

struct LessonCheckLine;

// Compact number formatting shared by the panels: 6 significant digits, "inf", "nan".
QString formatNumber(double v, int digits = 6);
QString formatBytes(int64_t bytes);

class NumbersPanel : public QWidget {
    Q_OBJECT
public:
    explicit NumbersPanel(QWidget* parent = nullptr);

    void setResult(const QuantResult& result);
    void setError(const QString& message); // keeps the rows, shows the message in the warnings
    void clear();
    // Only a lesson step's asserted numbers, each computed value marked ✓ or ✗ (presentation
    // mode); the table is as tall as its rows. setResult() shows every row again.
    void showChecks(const std::vector<LessonCheckLine>& checks);
    bool showsChecks() const { return m_showsChecks; }
    int rowCount() const;

    // Row keys: "scale", "zero point", "qmin", "qmax", "range", "data range", "mse", "rmse",
    // "mae", "max error", "sqnr", "clipped low", "clipped high", "levels used", "bytes",
    // "bits per element", "slices", "nonfinite", "time", "importance" (GGML schemes with a
    // weighted path). Empty if the row is absent.
    QString valueText(const QString& key) const;
    QString warningsText() const;
    QString plainText() const; // all rows "key: value", one per line, then warnings

private:
    void addRow(const QString& key, const QString& label, const QString& value,
                const QString& tip = {});
    void addParameterRows(const QuantResult& r);
    void addErrorRows(const Metrics& m);
    void addStorageRows(const QuantResult& r);
    void showWarnings(const QuantResult& r);
    void leaveChecks();
    QTableWidget* m_table;
    QLabel* m_summary;
    QLabel* m_warnings;
    bool m_showsChecks = false;
};

} // namespace qs::ui
