#include "ui/panels/lesson_panel.h"

#include "core/teach/lesson_check.h"

#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <type_traits>

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
    const ExpectComparison c = compareExpect(e, t, r);
    std::vector<LessonCheckLine> out;
    auto add = [&](const QString& what, const QString& expected, const QString& computed, bool ok) {
        out.push_back({what, expected, computed, ok});
    };
    auto oneOrList = [](const auto& v) -> QString {
        if (v.size() != 1)
            return listText(v);
        if constexpr (std::is_integral_v<std::decay_t<decltype(v[0])>>)
            return QString::number(v[0]);
        else
            return num(v[0]);
    };
    if (!e.scale.empty())
        add(QObject::tr("scale"), oneOrList(e.scale), oneOrList(r.params.scale), c.scaleOk());
    if (!e.zeroPoint.empty())
        add(QObject::tr("zero point"), oneOrList(e.zeroPoint), oneOrList(r.params.zeroPoint),
            c.zeroPointOk);
    if (e.qmin)
        add(QObject::tr("qmin"), QString::number(*e.qmin), QString::number(r.params.qmin),
            c.qminOk);
    if (e.qmax)
        add(QObject::tr("qmax"), QString::number(*e.qmax), QString::number(r.params.qmax),
            c.qmaxOk);
    // Lists are summarised: how many of the asserted entries match.
    if (!e.codes.empty())
        add(QObject::tr("codes"), listText(e.codes),
            QObject::tr("%1 of %2 equal").arg(c.codesMatching).arg(e.codes.size()), c.codesOk());
    if (!e.dequantized.empty())
        add(QObject::tr("dequantized"), listText(e.dequantized),
            QObject::tr("%1 of %2 within %3")
                .arg(c.dequantizedMatching)
                .arg(e.dequantized.size())
                .arg(e.dequantizedAbsTol),
            c.dequantizedOk());
    const QString mseWhat = e.excludeLast > 0
                                ? QObject::tr("MSE without the last %1").arg(e.excludeLast)
                                : QObject::tr("MSE");
    auto range = [](const std::pair<double, double>& r) {
        return QStringLiteral("[%1, %2]").arg(num(r.first), num(r.second));
    };
    if (e.mse)
        add(mseWhat, num(*e.mse), num(c.mse), c.mseOk);
    if (e.mseRange)
        add(mseWhat, range(*e.mseRange), num(c.mse), c.mseInRange);
    if (e.sqnrDbRange)
        add(QObject::tr("SQNR dB"), range(*e.sqnrDbRange), num(r.metrics.sqnrDb), c.sqnrInRange);
    if (e.bitsPerElement)
        add(QObject::tr("bits per element"), num(*e.bitsPerElement), num(r.metrics.bitsPerElement),
            c.bitsPerElementOk);
    for (const ExpectedCount& k : c.counts)
        add(QObject::tr(k.label), QString::number(k.want), QString::number(k.got), k.ok());
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
    auto* close = m_close = new QPushButton(tr("Close lesson"), this);
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
    connect(m_prev, &QPushButton::clicked, this, &LessonPanel::previous);
    connect(m_next, &QPushButton::clicked, this, &LessonPanel::next);
    connect(close, &QPushButton::clicked, this, &LessonPanel::closeRequested);
}

void LessonPanel::setLesson(const Lesson& lesson)
{
    m_lesson = lesson;
    m_hasLesson = true;
    m_step = 0;
    m_checks.clear();
    m_title->setText(QString::fromStdString(lesson.title));
    m_page = 0;
    m_question->setText(lesson.question.empty()
                            ? QString()
                            : tr("<b>Question:</b> %1")
                                  .arg(QString::fromStdString(lesson.question).toHtmlEscaped()));
    m_question->setVisible(!lesson.question.empty());
    updateTexts();
    paginate();
}

void LessonPanel::setStep(int step, bool force)
{
    if (!m_hasLesson)
        return;
    step = std::clamp(step, 0, m_lesson.numSteps() - 1);
    if (step == m_step && !force)
        return;
    m_step = step;
    m_page = 0;
    m_checks.clear();
    updateTexts();
    showPage();
    emit stepChanged(step);
}

void LessonPanel::updateTexts()
{
    const int n = m_lesson.numSteps();
    const LessonStep& s = m_lesson.steps[size_t(m_step)];
    updateButtons();
    QString caption = QString::fromStdString(s.caption);
    if (n > 1)
        caption = tr("Step %1 of %2: %3").arg(m_step + 1).arg(n).arg(caption);
    m_caption->setText(caption);
    m_caption->setVisible(!caption.isEmpty());
    m_check->setText(s.expect.empty() ? QString() : tr("Checking the lesson's numbers…"));
    m_check->setVisible(!s.expect.empty() && !m_presenting);
}

void LessonPanel::updateButtons()
{
    const int n = m_hasLesson ? m_lesson.numSteps() : 0, pages = pageCount();
    m_prev->setVisible(n > 1 || pages > 1);
    m_next->setVisible(n > 1 || pages > 1);
    m_prev->setEnabled(m_step > 0 || m_page > 0);
    m_next->setEnabled(m_step + 1 < n || m_page + 1 < pages);
}

void LessonPanel::next()
{
    if (m_page + 1 < pageCount()) {
        ++m_page;
        showPage();
    } else {
        setStep(m_step + 1);
    }
}

void LessonPanel::previous()
{
    if (m_page > 0) {
        --m_page;
        showPage();
    } else {
        setStep(m_step - 1);
    }
}

void LessonPanel::setPageHeight(int height)
{
    m_pageHeight = height;
    paginate();
}

// Presenting: the text's sentences, then the question as a paragraph of its own, fill pages
// while the panel stays within its height (one line kept free for the rounding of the
// estimate); otherwise the text is one page and the question has its own label.
void LessonPanel::paginate()
{
    const QString text = m_hasLesson ? QString::fromStdString(m_lesson.text) : QString();
    const bool paged = m_presenting && m_pageHeight > 0 && !text.isEmpty();
    m_question->setVisible(m_hasLesson && !m_lesson.question.empty() && !paged);
    m_pages = QStringList{text};
    if (paged) {
        QStringList chunks = text.split(QRegularExpression(QStringLiteral("(?<=[.!?:])\\s+")));
        if (!m_lesson.question.empty())
            chunks << QLatin1Char('\n') +
                          tr("Question: %1").arg(QString::fromStdString(m_lesson.question));
        m_pages = fillPages(chunks);
    }
    m_page = std::clamp(m_page, 0, pageCount() - 1);
    showPage();
}

// Chunks (a leading newline starts a paragraph) joined into as few pages as fit the height.
QStringList LessonPanel::fillPages(const QStringList& chunks)
{
    const QMargins margins = layout()->contentsMargins();
    const int outer = parentWidget() ? parentWidget()->width() : width();
    const int textWidth = std::max(50, outer - margins.left() - margins.right());
    m_text->setText(QStringLiteral("x"));
    const int budget = m_pageHeight - heightForWidth(outer);
    const QString mark = QStringLiteral(" (99/99)");
    // A sentence taller than a page is cut between words.
    QStringList pieces;
    for (const QString& chunk : chunks) {
        if (textHeight(chunk.trimmed() + mark, textWidth) <= budget)
            pieces << chunk;
        else
            pieces << chunk.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    QStringList pages;
    QString page;
    for (const QString& chunk : pieces) {
        const bool paragraph = chunk.startsWith(QLatin1Char('\n'));
        const QString longer =
            page.isEmpty()
                ? chunk.trimmed()
                : page + (paragraph ? QStringLiteral("\n") : QStringLiteral(" ")) + chunk;
        if (page.isEmpty() || textHeight(longer + mark, textWidth) <= budget) {
            page = longer;
        } else {
            pages << page;
            page = chunk.trimmed();
        }
    }
    pages << page;
    return pages;
}

int LessonPanel::textHeight(const QString& text, int width) const
{
    return QFontMetrics(m_text->font())
        .boundingRect(QRect(0, 0, width, 1 << 20), Qt::TextWordWrap, text)
        .height();
}

void LessonPanel::showPage()
{
    if (m_pages.isEmpty())
        return;
    QString text = m_pages[m_page];
    if (pageCount() > 1)
        text += QStringLiteral(" (%1/%2)").arg(m_page + 1).arg(pageCount());
    m_text->setText(text);
    updateButtons();
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
    m_check->setVisible(!m_presenting);
}

void LessonPanel::showNote(const QString& note)
{
    m_checks.clear();
    m_check->setText(note.toHtmlEscaped());
    m_check->setVisible(!note.isEmpty() && !m_presenting);
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
    m_presenting = on;
    // The narrow column of presentation mode: arrows only (their tooltips say it).
    m_prev->setText(on ? tr("◀") : tr("◀ Previous"));
    m_next->setText(on ? tr("▶") : tr("Next ▶"));
    m_prev->setToolTip(on ? tr("Previous page or step") : QString());
    m_next->setToolTip(on ? tr("Next page or step") : QString());
    m_close->setText(on ? tr("✕") : tr("Close lesson"));
    m_close->setToolTip(on ? tr("Close lesson") : QString());
    const int narrow = on ? m_prev->fontMetrics().height() * 2 + 12 : QWIDGETSIZE_MAX;
    for (QPushButton* b : {m_prev, m_next, m_close})
        b->setMaximumWidth(narrow);
    QFont f = font();
    f.setPointSizeF(on ? 16 : QFont().pointSizeF());
    for (QLabel* l : {m_text, m_question, m_caption, m_check})
        l->setFont(f);
    QFont tf = f;
    tf.setBold(true);
    tf.setPointSizeF(f.pointSizeF() * (on ? 1.1 : 1.25));
    m_title->setFont(tf);
    if (m_hasLesson)
        m_check->setVisible(!m_lesson.steps[size_t(m_step)].expect.empty() && !on);
    paginate();
}

} // namespace qs::ui
