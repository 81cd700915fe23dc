#include "ui/views/int_matmul_view.h"

#include "ui/views/view_job.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace qs::ui {

namespace {

// Large matrices are shown in their top-left corner only: the arithmetic is the same everywhere.
constexpr int64_t kShowRows = 8;
constexpr int64_t kShowCols = 8;
constexpr int64_t kShowEntries = 16;

QString num(double v, int prec = 6)
{
    return QString::number(v, 'g', prec);
}

template <class Cell>
QString matrixHtml(const QString& caption, int64_t rows, int64_t cols, Cell cell)
{
    QString h = QStringLiteral("<p><b>%1</b>").arg(caption);
    if (rows > kShowRows || cols > kShowCols)
        h += QObject::tr(" (top-left %1 x %2 of %3 x %4)")
                 .arg(std::min(rows, kShowRows))
                 .arg(std::min(cols, kShowCols))
                 .arg(rows)
                 .arg(cols);
    h += QStringLiteral("</p><table border=1 cellspacing=0 cellpadding=3>");
    for (int64_t r = 0; r < std::min(rows, kShowRows); ++r) {
        h += QStringLiteral("<tr>");
        for (int64_t c = 0; c < std::min(cols, kShowCols); ++c)
            h += QStringLiteral("<td align=right style=\"white-space:nowrap\">%1</td>")
                     .arg(cell(r, c));
        h += QStringLiteral("</tr>");
    }
    return h + QStringLiteral("</table>");
}

QString matrixBlock(const QString& name, const QuantMatrix& m, const QString& type)
{
    QString h = QStringLiteral("<td valign=top>");
    if (!m.values.empty())
        h += matrixHtml(
            QObject::tr("%1 (float)").arg(name), m.rows, m.cols,
            [&](int64_t r, int64_t c) { return num(m.values[size_t(r * m.cols + c)], 4); });
    h += matrixHtml(
        QObject::tr("q%1 (%2 codes)").arg(name, type), m.rows, m.cols,
        [&](int64_t r, int64_t c) { return QString::number(m.codes[size_t(r * m.cols + c)]); });
    h += QObject::tr("<p>s%1 = %2, z%1 = %3, codes %4..%5</p>")
             .arg(name, num(m.scale, 9))
             .arg(m.zeroPoint)
             .arg(m.qmin)
             .arg(m.qmax);
    return h + QStringLiteral("</td>");
}

// A table with one row per shown entry (i, j) of C: "i,j", then the cells row(u) of entry u.
template <class Row>
QString entryTable(const IntMatmulResult& r, const QString& headerCells, Row row)
{
    QString h = QStringLiteral("<table border=1 cellspacing=0 cellpadding=3><tr><th>i,j</th>") +
                headerCells + QStringLiteral("</tr>");
    const int64_t entries = r.m * r.n;
    for (int64_t e = 0; e < std::min(entries, kShowEntries); ++e)
        h += QStringLiteral("<tr><td>%1,%2</td>").arg(e / r.n).arg(e % r.n) + row(size_t(e)) +
             QStringLiteral("</tr>");
    return h + QStringLiteral("</table>");
}

} // namespace

IntMatmulView::IntMatmulView(QWidget* parent) : AnalysisView(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    auto spin = [this, controls](const QString& label, int lo, int hi, int value) {
        auto* s = new QSpinBox(this);
        s->setRange(lo, hi);
        s->setValue(value);
        controls->addWidget(new QLabel(label, this));
        controls->addWidget(s);
        return s;
    };
    m_m = spin(tr("m"), 1, 256, 4);
    m_k = spin(tr("k"), 1, 256, 16);
    m_n = spin(tr("n"), 1, 256, 4);
    m_seed = spin(tr("seed"), 0, 1000000, 0);
    m_m->setObjectName(QStringLiteral("matmulM"));
    m_k->setObjectName(QStringLiteral("matmulK"));
    m_n->setObjectName(QStringLiteral("matmulN"));
    m_seed->setObjectName(QStringLiteral("matmulSeed"));
    controls->addStretch(1);
    layout->addLayout(controls);
    // The actions on a second row, so the view fits beside the window's side panels.
    auto* actions = new QHBoxLayout;
    m_outSigned = new QCheckBox(tr("int8 output"), this);
    actions->addWidget(m_outSigned);
    auto* generate = new QPushButton(tr("Generate"), this);
    generate->setObjectName(QStringLiteral("matmulGenerate"));
    auto* t13 = new QPushButton(tr("T13"), this);
    t13->setObjectName(QStringLiteral("matmulT13"));
    t13->setToolTip(tr("The 2 x 2 reference example: exact, small enough to follow by hand"));
    actions->addWidget(generate);
    actions->addWidget(t13);
    actions->addStretch(1);
    layout->addLayout(actions);
    m_status = addStatusLabel(layout, this);
    m_text = new QTextBrowser(this);
    m_text->setObjectName(QStringLiteral("matmulText"));
    layout->addWidget(m_text, 1);
    connect(generate, &QPushButton::clicked, this, [this] { showDemo(optionsFromControls()); });
    connect(t13, &QPushButton::clicked, this, &IntMatmulView::showT13);
    showT13();
}

IntMatmulDemoOptions IntMatmulView::optionsFromControls() const
{
    IntMatmulDemoOptions o;
    o.m = m_m->value();
    o.k = m_k->value();
    o.n = m_n->value();
    o.seed = uint64_t(m_seed->value());
    o.outSigned = m_outSigned->isChecked();
    return o;
}

void IntMatmulView::showT13()
{
    const IntMatmulDemo t13 = referenceMatmulT13();
    m_isT13 = true;
    compute(t13.a, t13.b, t13.out);
}

void IntMatmulView::showDemo(const IntMatmulDemoOptions& options)
{
    const QSignalBlocker b1(m_m), b2(m_k), b3(m_n), b4(m_seed), b5(m_outSigned);
    m_m->setValue(int(options.m));
    m_k->setValue(int(options.k));
    m_n->setValue(int(options.n));
    m_seed->setValue(int(options.seed));
    m_outSigned->setChecked(options.outSigned);
    try {
        IntMatmulDemo demo = intMatmulDemo(options);
        m_isT13 = false;
        compute(demo.a, demo.b, demo.out);
    } catch (const std::exception& e) {
        m_error = QString::fromUtf8(e.what());
        m_status->setText(m_error);
    }
}

void IntMatmulView::compute(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out)
{
    try {
        IntMatmulResult r = integerMatmul(a, b, out);
        m_a = a;
        m_b = b;
        m_out = out;
        m_result = std::move(r);
        m_error.clear();
        m_status->setText(m_isT13 ? tr("Reference example T13") : tr("Generated example"));
        render();
        emit viewUpdated();
    } catch (const std::exception& e) {
        m_error = QString::fromUtf8(e.what());
        m_status->setText(m_error);
    }
}

QString IntMatmulView::text() const
{
    return m_text->toPlainText();
}

void IntMatmulView::render()
{
    const IntMatmulResult& r = m_result;
    const QString typeA = m_a.qmin < 0 ? QStringLiteral("int8") : QStringLiteral("uint8");
    const QString typeB = m_b.qmin < 0 ? QStringLiteral("int8") : QStringLiteral("uint8");
    QString h;
    h += tr("<h3>C = A B with %1 x %2 times %2 x %3 matrices</h3>").arg(r.m).arg(r.k).arg(r.n);
    // A's and B's tables side by side squeeze their columns: one row each.
    h += QStringLiteral("<table><tr>") + matrixBlock(QStringLiteral("A"), m_a, typeA) +
         QStringLiteral("</tr></table><table><tr>") + matrixBlock(QStringLiteral("B"), m_b, typeB) +
         QStringLiteral("</tr></table>");
    h += accumulationHtml();
    h += int16Html();
    h += requantizationHtml();
    m_text->setHtml(h);
}

// 1. The int32 accumulation with its zero-point terms against the float product.
QString IntMatmulView::accumulationHtml() const
{
    const IntMatmulResult& r = m_result;
    QString h;
    h += tr("<h3>1. int32 accumulation</h3><p>C<sub>ij</sub> = sA sB &Sigma;<sub>k</sub> "
            "(qA<sub>ik</sub> &minus; zA)(qB<sub>kj</sub> &minus; zB) = sA sB [ &Sigma; qA qB "
            "&minus; zB &Sigma;<sub>k</sub> qA<sub>ik</sub> &minus; zA &Sigma;<sub>k</sub> "
            "qB<sub>kj</sub> + K zA zB ], K = %1, K zA zB = %2.</p>")
             .arg(r.k)
             .arg(r.termConstant);
    h +=
        entryTable(r,
                   QStringLiteral("<th>&Sigma; qA qB</th><th>&minus;zB &Sigma;qA</th>"
                                  "<th>&minus;zA &Sigma;qB</th><th>K zA zB</th><th>acc (int32)</th>"
                                  "<th>sA sB acc</th><th>float A B</th><th>difference</th>"),
                   [&](size_t u) {
                       return QStringLiteral("<td align=right>%1</td><td align=right>%2</td>"
                                             "<td align=right>%3</td><td align=right>%4</td>"
                                             "<td align=right><b>%5</b></td><td align=right>%6</td>"
                                             "<td align=right>%7</td><td align=right>%8</td>")
                           .arg(r.sumProducts[u])
                           .arg(r.termZeroB[u])
                           .arg(r.termZeroA[u])
                           .arg(r.termConstant)
                           .arg(r.acc32[u])
                           .arg(num(r.dequantProduct[u], 9))
                           .arg(num(r.realProduct[u], 9))
                           .arg(num(r.dequantProduct[u] - r.realProduct[u], 3));
                   });
    const int64_t entries = r.m * r.n;
    if (entries > kShowEntries)
        h += tr("<p>(first %1 of %2 entries)</p>").arg(kShowEntries).arg(entries);
    double maxDiff = 0;
    for (int64_t e = 0; e < entries; ++e)
        maxDiff =
            std::max(maxDiff, std::fabs(r.dequantProduct[size_t(e)] - r.realProduct[size_t(e)]));
    h += tr("<p>The integer result times sA sB = %1 is exactly the product of the dequantized "
            "matrices; its largest difference from the float product is %2 (the inputs' "
            "rounding, not the integer arithmetic).</p>")
             .arg(num(m_a.scale * m_b.scale, 9), num(maxDiff, 4));
    return h;
}

// 2. The same sums in an int16 accumulator, with its wraparounds marked.
QString IntMatmulView::int16Html() const
{
    const IntMatmulResult& r = m_result;
    QString h = tr("<h3>2. The same sum &Sigma; qA qB in int16</h3>");
    int64_t totalWraps = 0;
    for (int w : r.wraps16)
        totalWraps += w;
    h += tr("<p>%1 of %2 entries are wrong after %3 wraparound(s) past &plusmn;32768.</p>")
             .arg(r.overflowed16.size())
             .arg(r.m * r.n)
             .arg(totalWraps);
    h += entryTable(r,
                    QStringLiteral("<th>&Sigma; qA qB (exact)</th><th>int16 accumulator</th>"
                                   "<th>wraps</th>"),
                    [&](size_t u) {
                        const bool wrong = r.wraps16[u] != 0;
                        return QStringLiteral("<td align=right>%1</td><td align=right>%2%3%4"
                                              "</td><td align=right>%5</td>")
                            .arg(r.sumProducts[u])
                            .arg(wrong ? QStringLiteral("<font color=#c81e1e><b>") : QString())
                            .arg(r.acc16[u])
                            .arg(wrong ? QStringLiteral("</b></font>") : QString())
                            .arg(r.wraps16[u]);
                    });
    return h;
}

// 3. Requantization of the accumulator to 8-bit codes with the fixed-point multiplier.
QString IntMatmulView::requantizationHtml() const
{
    const IntMatmulResult& r = m_result;
    const FixedPointMultiplier& fp = r.fixedPoint;
    const int shift = fp.rightShift - fp.leftShift;
    QString h = tr("<h3>3. Requantization to %1</h3>")
                    .arg(m_out.signedCodes ? QStringLiteral("int8") : QStringLiteral("uint8"));
    h += tr("<p>M = sA sB / sOut = %1 / %2 = %3 = M0 &middot; 2<sup>&minus;%4</sup> with "
            "M0 = %5 (int32, in [2<sup>30</sup>, 2<sup>31</sup>)), M0 &middot; 2<sup>&minus;%4"
            "</sup> = %6.<br>q = zOut + RoundingDivideByPOT(SaturatingRoundingDoublingHighMul("
            "acc, M0), %7), clamped to [%8, %9]; zOut = %10.</p>")
             .arg(num(m_a.scale * m_b.scale, 9), num(m_out.scale, 9), num(r.multiplier, 12))
             .arg(shift + 31)
             .arg(fp.m0)
             .arg(num(fp.value(), 12))
             .arg(fp.rightShift)
             .arg(r.outQmin)
             .arg(r.outQmax)
             .arg(m_out.zeroPoint);
    h += entryTable(r,
                    QStringLiteral("<th>acc</th><th>q (fixed point)</th>"
                                   "<th>q = zOut + round(M acc)</th>"
                                   "<th>sOut (q &minus; zOut)</th><th>float A B</th>"),
                    [&](size_t u) {
                        return QStringLiteral("<td align=right>%1</td><td align=right><b>%2</b>"
                                              "</td><td align=right>%3</td><td align=right>%4</td>"
                                              "<td align=right>%5</td>")
                            .arg(r.acc32[u])
                            .arg(r.outCodes[u])
                            .arg(r.outCodesFloat[u])
                            .arg(num(r.outDequant[u], 9))
                            .arg(num(r.realProduct[u], 9));
                    });
    h += tr("<p>%1 output(s) clamped to the code range.</p>").arg(r.outClipped);
    return h;
}

} // namespace qs::ui
