#include "ui/views/compare_view.h"

#include "ui/charts/teaching/teach_charts.h"
#include "ui/views/view_job.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <cstring>

namespace qs::ui {

namespace {

// Columns of the table: (metric name in the core's Comparison, header).
struct Column {
    const char* metric;
    const char* header;
};
constexpr Column kColumns[] = {
    {"mse", "MSE"},
    {"rmse", "RMSE"},
    {"mae", "MAE"},
    {"max_abs_error", "max |error|"},
    {"sqnr_db", "SQNR (dB)"},
    {"clipped_percent", "clipped %"},
    {"levels_used", "levels used"},
    {"bits_per_element", "bits/elem"},
};
constexpr int kFixedColumns = 2; // label, configuration

QString num(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("\u221e") : QStringLiteral("\u2212\u221e");
    return QString::number(v, 'g', 4);
}

QString signedNum(double v)
{
    if (v == 0)
        return QStringLiteral("0");
    return (v > 0 ? QStringLiteral("+") : QString()) + num(v);
}

bool sameTensor(const Tensor* a, const Tensor* b)
{
    if (a == b)
        return true;
    if (!a || !b || a->shape != b->shape || a->data.size() != b->data.size())
        return false;
    return std::memcmp(a->data.data(), b->data.data(), a->data.size() * sizeof(float)) == 0;
}

} // namespace

CompareView::CompareView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* buttons = new QHBoxLayout;
    m_pin = new QPushButton(tr("Pin current"), this);
    m_pin->setToolTip(tr("Keep the current configuration under the next letter (A, B, ...)"));
    m_remove = new QPushButton(tr("Remove pin"), this);
    m_clear = new QPushButton(tr("Clear pins"), this);
    m_apply = new QPushButton(tr("Apply"), this);
    m_apply->setToolTip(tr("Make the selected pinned configuration the current one"));
    for (QPushButton* b : {m_pin, m_remove, m_clear, m_apply})
        buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_status = addStatusLabel(layout, this, tr("No result yet."));

    m_table = new QTableWidget(this);
    m_table->setColumnCount(kFixedColumns + int(std::size(kColumns)));
    QStringList headers{tr("pin"), tr("configuration")};
    for (const Column& c : kColumns)
        headers << QString::fromLatin1(c.header);
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    // Columns fit their contents once per rebuild (ResizeToContents would measure every
    // column again for each item set); the configuration column takes the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    auto* charts = new ChartPair(split);
    m_values = charts->first();
    m_errors = charts->second();
    split->addWidget(charts);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 4);
    split->setSizes({140, 560});
    layout->addWidget(split, 1);

    connect(m_pin, &QPushButton::clicked, this, &CompareView::pinCurrent);
    connect(m_clear, &QPushButton::clicked, this, &CompareView::clearPins);
    connect(m_remove, &QPushButton::clicked, this, [this] { removePin(m_table->currentRow()); });
    connect(m_apply, &QPushButton::clicked, this, [this] { applyPin(m_table->currentRow()); });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &CompareView::updateButtons);
    updateButtons();
}

CompareView::~CompareView()
{
    if (m_cancel)
        m_cancel->cancel();
}

void CompareView::setAnalysis(std::shared_ptr<const Tensor> tensor,
                              std::shared_ptr<const QuantResult> result)
{
    m_tensor = std::move(tensor);
    m_result = std::move(result);
    recompute();
}

QString CompareView::nextLabel() const
{
    // A..Z, then A2..Z2, ...
    const int k = m_pinCount;
    QString s(QChar(u'A' + k % 26));
    if (k >= 26)
        s += QString::number(k / 26 + 1);
    return s;
}

void CompareView::pinCurrent()
{
    if (m_result)
        pinConfig(m_result->config);
}

void CompareView::pinConfig(const QuantConfig& config)
{
    if (!m_tensor)
        return;
    m_pins.push_back({nextLabel(), config, m_tensor});
    ++m_pinCount;
    recompute();
}

void CompareView::removePin(int index)
{
    if (index < 0 || index >= int(m_pins.size()))
        return;
    m_pins.erase(m_pins.begin() + index);
    recompute();
}

void CompareView::clearPins()
{
    m_pins.clear();
    m_pinCount = 0;
    recompute();
}

void CompareView::applyPin(int index)
{
    if (index < 0 || index >= int(m_pins.size()))
        return;
    emit configRequested(m_pins[size_t(index)].config);
}

void CompareView::recompute()
{
    if (m_cancel)
        m_cancel->cancel();
    m_cancel.reset();
    m_comparison.reset();
    const int generation = ++m_generation;
    m_labels.clear();
    if (!m_tensor || !m_result) {
        m_computing = false;
        m_status->setText(tr("No result yet."));
        rebuild();
        emit viewUpdated();
        return;
    }
    std::vector<QuantConfig> configs;
    for (const Pin& p : m_pins) {
        configs.push_back(p.config);
        m_labels << p.label;
    }
    configs.push_back(m_result->config);
    m_labels << tr("current");
    auto token = std::make_shared<CancelToken>();
    m_cancel = token;
    m_computing = true;
    m_status->setText(tr("computing\u2026 (quantizing %1 configuration(s) on the current tensor)")
                          .arg(configs.size()));
    rebuild();
    const std::shared_ptr<const Tensor> t = m_tensor;
    auto work = [t, configs](CancelToken* c) { return compareConfigs(*t, configs, c); };
    runViewJob<Comparison>(
        this, token, work, [this, generation](const JobOutcome<Comparison>& out) {
            if (generation != m_generation)
                return;
            m_computing = false;
            if (out.cancelled)
                return;
            m_comparison = out.value;
            if (!out.error.isEmpty())
                m_status->setText(out.error);
            else if (m_pins.empty())
                m_status->setText(tr("Pin the current configuration, change it, and compare: "
                                     "differences are to the first pin."));
            else
                m_status->setText(
                    tr("Differences (\u0394) are to pin %1. Every pin is "
                       "re-quantized on the current tensor (%2).")
                        .arg(m_pins.front().label, QString::fromStdString(m_tensor->name)));
            rebuild();
            emit viewUpdated();
        });
}

void CompareView::rebuild()
{
    const int rows = int(m_pins.size()) + (m_result ? 1 : 0);
    m_table->setRowCount(rows);
    const bool haveBaseline = !m_pins.empty();
    for (int r = 0; r < rows; ++r) {
        const bool isPin = r < int(m_pins.size());
        const QuantConfig& cfg = isPin ? m_pins[size_t(r)].config : m_result->config;
        QString label = isPin ? m_pins[size_t(r)].label : tr("current");
        QString tip;
        if (isPin && !sameTensor(m_pins[size_t(r)].tensor.get(), m_tensor.get())) {
            const Tensor* pt = m_pins[size_t(r)].tensor.get();
            label += QStringLiteral(" \u26a0");
            tip = tr("Pinned on another tensor (%1, %2); compared here on the current tensor")
                      .arg(QString::fromStdString(pt->name),
                           QString::fromStdString(pt->shapeString()));
        }
        auto* labelItem = new QTableWidgetItem(label);
        labelItem->setToolTip(tip);
        if (isPin && r == 0)
            labelItem->setToolTip(tip.isEmpty() ? tr("Baseline of the differences")
                                                : tip + tr("; baseline of the differences"));
        m_table->setItem(r, 0, labelItem);
        m_table->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(cfg.summary())));
        for (int c = 0; c < int(std::size(kColumns)); ++c) {
            auto* item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (m_comparison && r < int(m_comparison->values.size())) {
                const auto& names = m_comparison->metricNames;
                const auto it = std::find(names.begin(), names.end(), kColumns[c].metric);
                if (it != names.end()) {
                    const size_t m = size_t(it - names.begin());
                    const double v = m_comparison->values[size_t(r)][m];
                    const double d = m_comparison->deltas[size_t(r)][m];
                    QString text = num(v);
                    if (haveBaseline && r > 0)
                        text += QStringLiteral("  (\u0394 %1)").arg(signedNum(d));
                    item->setText(text);
                    item->setData(Qt::UserRole, v);
                    item->setData(Qt::UserRole + 1, d);
                }
            } else {
                item->setText(m_computing ? QStringLiteral("\u2026") : QString());
            }
            m_table->setItem(r, kFixedColumns + c, item);
        }
    }
    m_table->resizeColumnsToContents();

    const ChartStyle st = viewChartStyle(m_presentation);
    if (m_comparison && m_tensor) {
        QStringList legend;
        for (int i = 0; i < rows && i < m_labels.size(); ++i)
            legend << m_labels[i];
        try {
            replaceChart(m_values,
                         buildCompareValuesChart(*m_tensor, m_comparison->results, legend, st));
            replaceChart(m_errors,
                         buildCompareErrorChart(*m_tensor, m_comparison->results, legend, st));
        } catch (const Error& e) {
            m_status->setText(QString::fromStdString(e.what()));
            replaceChart(m_values, new QChart);
            replaceChart(m_errors, new QChart);
        }
    } else {
        replaceChart(m_values, new QChart);
        replaceChart(m_errors, new QChart);
    }
    updateButtons();
}

void CompareView::updateButtons()
{
    const int row = m_table->currentRow();
    const bool pinRow = row >= 0 && row < int(m_pins.size());
    m_pin->setEnabled(m_result != nullptr);
    m_remove->setEnabled(pinRow);
    m_apply->setEnabled(pinRow);
    m_clear->setEnabled(!m_pins.empty());
}

QChart* CompareView::valuesChart() const
{
    return m_comparison ? m_values->chart() : nullptr;
}

QChart* CompareView::errorChart() const
{
    return m_comparison ? m_errors->chart() : nullptr;
}

QList<QChart*> CompareView::exportCharts()
{
    if (!m_comparison)
        return {};
    return {m_values->chart(), m_errors->chart()};
}

void CompareView::setPresentationMode(bool on)
{
    AnalysisView::setPresentationMode(on); // the table follows the application's font
    rebuild();
}

} // namespace qs::ui
