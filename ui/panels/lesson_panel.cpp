#include "ui/panels/lesson_panel.h"

#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qs::ui {

namespace {

QString num(double v)
{
    return QString::number(v, 'g', 6);
}

template <class T> QString listText(const std::vector<T>& v, size_t maxItems = 6)
{
    QStringList parts;
    for (size_t i = 0; i < std::min(v.size(), maxItems); ++i)
        parts << num(double(v[i]));
    if (v.size() > maxItems)
        parts << QStringLiteral("…");
    return QStringLiteral("[") + parts.join(QStringLiteral(", ")) + QStringLiteral("]");
}

} // namespace

std::vector<LessonCheckLine> compareExpectations(const LessonExpect& e, const Tensor& t,
                                                 const QuantResult& r)
{
    std::vector<LessonCheckLine> out;
    auto add = [&](const QString& what, const QString& expected, const QString& computed, bool ok) {
        out.push_back({what, expected, computed, ok});
    };

    if (!e.scale.empty()) {
        bool ok = int64_t(e.scale.size()) == r.params.numSlices();
        for (size_t i = 0; ok && i < e.scale.size(); ++i)
            ok = std::fabs(r.params.scale[i] - e.scale[i]) <= e.scaleRelTol * std::fabs(e.scale[i]);
        add(QObject::tr("scale"), e.scale.size() == 1 ? num(e.scale[0]) : listText(e.scale),
            r.params.scale.size() == 1 ? num(r.params.scale[0]) : listText(r.params.scale), ok);
    }
    if (!e.zeroPoint.empty())
        add(QObject::tr("zero point"),
            e.zeroPoint.size() == 1 ? QString::number(e.zeroPoint[0]) : listText(e.zeroPoint),
            r.params.zeroPoint.size() == 1 ? QString::number(r.params.zeroPoint[0])
                                           : listText(r.params.zeroPoint),
            e.zeroPoint == r.params.zeroPoint);
    if (e.qmin)
        add(QObject::tr("qmin"), QString::number(*e.qmin), QString::number(r.params.qmin),
            *e.qmin == r.params.qmin);
    if (e.qmax)
        add(QObject::tr("qmax"), QString::number(*e.qmax), QString::number(r.params.qmax),
            *e.qmax == r.params.qmax);
    if (!e.codes.empty()) {
        bool ok = e.codes.size() == r.codes.size();
        for (size_t i = 0; ok && i < e.codes.size(); ++i)
            ok = e.codes[i] == r.codes[i];
        // Lists are summarised: how many of the asserted entries match.
        size_t match = 0;
        for (size_t i = 0; i < std::min(e.codes.size(), r.codes.size()); ++i)
            match += e.codes[i] == r.codes[i] ? 1 : 0;
        add(QObject::tr("codes"), listText(e.codes),
            QObject::tr("%1 of %2 equal").arg(match).arg(e.codes.size()), ok);
    }
    if (!e.dequantized.empty()) {
        bool ok = e.dequantized.size() == r.dequantized.size();
        for (size_t i = 0; ok && i < e.dequantized.size(); ++i)
            ok = std::fabs(double(r.dequantized[i]) - e.dequantized[i]) <= e.dequantizedAbsTol;
        size_t match = 0;
        for (size_t i = 0; i < std::min(e.dequantized.size(), r.dequantized.size()); ++i)
            match += std::fabs(double(r.dequantized[i]) - e.dequantized[i]) <= e.dequantizedAbsTol
                         ? 1
                         : 0;
        add(QObject::tr("dequantized"), listText(e.dequantized),
            QObject::tr("%1 of %2 within %3")
                .arg(match)
                .arg(e.dequantized.size())
                .arg(e.dequantizedAbsTol),
            ok);
    }
    if (e.mse || e.mseRange) {
        double mse = r.metrics.mse;
        if (e.excludeLast > 0) {
            // The MSE of all but the last N values (e.g. without an outlier).
            const int64_t n =
                std::min<int64_t>(t.numel(), int64_t(r.dequantized.size())) - e.excludeLast;
            double sum = 0;
            int64_t count = 0;
            for (int64_t i = 0; i < n; ++i) {
                const double x = t.data[size_t(i)];
                if (!std::isfinite(x))
                    continue;
                const double d = x - double(r.dequantized[size_t(i)]);
                sum += d * d;
                ++count;
            }
            mse = count > 0 ? sum / double(count) : 0.0;
        }
        const QString what = e.excludeLast > 0
                                 ? QObject::tr("MSE without the last %1").arg(e.excludeLast)
                                 : QObject::tr("MSE");
        if (e.mse)
            add(what, num(*e.mse), num(mse),
                std::fabs(mse - *e.mse) <= e.mseRelTol * std::fabs(*e.mse));
        if (e.mseRange)
            add(what,
                QStringLiteral("[%1, %2]").arg(num(e.mseRange->first), num(e.mseRange->second)),
                num(mse), mse >= e.mseRange->first && mse <= e.mseRange->second);
    }
    if (e.sqnrDbRange)
        add(QObject::tr("SQNR dB"),
            QStringLiteral("[%1, %2]").arg(num(e.sqnrDbRange->first), num(e.sqnrDbRange->second)),
            num(r.metrics.sqnrDb),
            r.metrics.sqnrDb >= e.sqnrDbRange->first && r.metrics.sqnrDb <= e.sqnrDbRange->second);
    auto count = [&](const std::optional<int64_t>& want, int64_t got, const QString& what) {
        if (want)
            add(what, QString::number(*want), QString::number(got), *want == got);
    };
    count(e.clippedLowCount, r.metrics.clippedLowCount, QObject::tr("clipped low"));
    count(e.clippedHighCount, r.metrics.clippedHighCount, QObject::tr("clipped high"));
    count(e.levelsUsed, r.metrics.levelsUsed, QObject::tr("levels used"));
    count(e.overflowCount, r.floatCounts.overflow, QObject::tr("overflows"));
    count(e.flushedToZeroCount, r.floatCounts.flushedToZero, QObject::tr("flushed to zero"));
    return out;
}

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("lessonPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    auto* top = new QHBoxLayout;
    m_title = new QLabel(this);
    QFont tf = m_title->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.25);
    m_title->setFont(tf);
    m_title->setWordWrap(true);
    top->addWidget(m_title, 1);
    auto* close = new QPushButton(tr("Close lesson"), this);
    top->addWidget(close);
    layout->addLayout(top);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    layout->addWidget(m_text);
    m_question = new QLabel(this);
    m_question->setWordWrap(true);
    layout->addWidget(m_question);
    auto* steps = new QHBoxLayout;
    m_prev = new QPushButton(tr("◀ Previous"), this);
    m_prev->setObjectName(QStringLiteral("lessonPrev"));
    m_next = new QPushButton(tr("Next ▶"), this);
    m_next->setObjectName(QStringLiteral("lessonNext"));
    m_caption = new QLabel(this);
    m_caption->setWordWrap(true);
    steps->addWidget(m_prev);
    steps->addWidget(m_caption, 1);
    steps->addWidget(m_next);
    layout->addLayout(steps);
    m_check = new QLabel(this);
    m_check->setObjectName(QStringLiteral("lessonCheck"));
    m_check->setWordWrap(true);
    m_check->setTextFormat(Qt::RichText);
    layout->addWidget(m_check);
    connect(m_prev, &QPushButton::clicked, this, [this] { setStep(m_step - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { setStep(m_step + 1); });
    connect(close, &QPushButton::clicked, this, &LessonPanel::closeRequested);
}

void LessonPanel::setLesson(const Lesson& lesson)
{
    m_lesson = lesson;
    m_hasLesson = true;
    m_step = 0;
    m_checks.clear();
    m_title->setText(QString::fromStdString(lesson.title));
    m_text->setText(QString::fromStdString(lesson.text));
    m_question->setText(lesson.question.empty()
                            ? QString()
                            : tr("<b>Question:</b> %1")
                                  .arg(QString::fromStdString(lesson.question).toHtmlEscaped()));
    m_question->setVisible(!lesson.question.empty());
    updateTexts();
}

void LessonPanel::setStep(int step, bool force)
{
    if (!m_hasLesson)
        return;
    step = std::clamp(step, 0, m_lesson.numSteps() - 1);
    if (step == m_step && !force)
        return;
    m_step = step;
    m_checks.clear();
    updateTexts();
    emit stepChanged(step);
}

void LessonPanel::updateTexts()
{
    const int n = m_lesson.numSteps();
    const LessonStep& s = m_lesson.steps[size_t(m_step)];
    m_prev->setVisible(n > 1);
    m_next->setVisible(n > 1);
    m_prev->setEnabled(m_step > 0);
    m_next->setEnabled(m_step + 1 < n);
    QString caption = QString::fromStdString(s.caption);
    if (n > 1)
        caption = tr("Step %1 of %2: %3").arg(m_step + 1).arg(n).arg(caption);
    m_caption->setText(caption);
    m_caption->setVisible(!caption.isEmpty());
    m_check->setText(s.expect.empty() ? QString() : tr("Checking the lesson's numbers…"));
    m_check->setVisible(!s.expect.empty());
}

void LessonPanel::showResult(const Tensor& tensor, const QuantResult& result)
{
    if (!m_hasLesson)
        return;
    const LessonExpect& e = m_lesson.steps[size_t(m_step)].expect;
    m_checks = compareExpectations(e, tensor, result);
    if (m_checks.empty()) {
        m_check->clear();
        m_check->setVisible(false);
        return;
    }
    QStringList parts;
    for (const LessonCheckLine& c : m_checks) {
        // Lists: only the summary ("20 of 20 equal"); numbers: asserted and computed.
        const bool list = c.expected.startsWith(QLatin1Char('['));
        const QString body =
            list ? c.computed : tr("asserted %1, computed %2").arg(c.expected, c.computed);
        parts << QStringLiteral("%1: %2 <font color=%3><b>%4</b></font>")
                     .arg(c.what.toHtmlEscaped(), body.toHtmlEscaped(),
                          c.ok ? QStringLiteral("#1a8a1a") : QStringLiteral("#c81e1e"),
                          c.ok ? QStringLiteral("✓") : QStringLiteral("✗"));
    }
    m_check->setText(parts.join(QStringLiteral(" &nbsp;·&nbsp; ")));
    m_check->setVisible(true);
}

void LessonPanel::showNote(const QString& note)
{
    m_checks.clear();
    m_check->setText(note.toHtmlEscaped());
    m_check->setVisible(!note.isEmpty());
}

bool LessonPanel::allChecksOk() const
{
    if (m_checks.empty())
        return false;
    return std::all_of(m_checks.begin(), m_checks.end(),
                       [](const LessonCheckLine& c) { return c.ok; });
}

QString LessonPanel::checkText() const
{
    QStringList parts;
    for (const LessonCheckLine& c : m_checks)
        parts << QStringLiteral("%1: asserted %2, computed %3 %4")
                     .arg(c.what, c.expected, c.computed,
                          c.ok ? QStringLiteral("✓") : QStringLiteral("✗"));
    return parts.join(QStringLiteral("; "));
}

void LessonPanel::setPresentationMode(bool on)
{
    QFont f = font();
    f.setPointSizeF(on ? 17 : QFont().pointSizeF());
    for (QLabel* l : {m_text, m_question, m_caption, m_check})
        l->setFont(f);
    QFont tf = f;
    tf.setBold(true);
    tf.setPointSizeF(f.pointSizeF() * 1.25);
    m_title->setFont(tf);
}

} // namespace qs::ui
