// LessonPanel: the text of the lesson on screen: title, what to look at, the question for the
// class, prev/next buttons through the lesson's steps with their captions, and one line per
// number the lesson asserts ("expect"), the asserted value against the one the window computed,
// marked ✓ or ✗. In presentation mode the text is cut into pages (at sentences) that fit the
// height the panel is given, the step buttons go through the pages before the steps, and the
// asserted numbers are left to the numbers panel. The panel holds no math (qs::compareExpect
// compares): the window applies the step (tensor, controls, chart) and passes the result it got
// back with showResult().
#pragma once

#include "core/quant/quantize.h"
#include "core/teach/lesson.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;

namespace qs::ui {

// One asserted number against the computed one.
struct LessonCheckLine {
    QString what;     // "MSE", "scale", "codes" ...
    QString expected; // as asserted
    QString computed; // from the result
    bool ok = false;
};

// A step's expectations against a result of that step's tensor: qs::compareExpect()
// (core/teach/lesson_check.h, the comparison checkLesson uses too) as rows of text.
std::vector<LessonCheckLine> compareExpectations(const LessonExpect& expect, const Tensor& tensor,
                                                 const QuantResult& result);

class LessonPanel : public QWidget {
    Q_OBJECT
public:
    explicit LessonPanel(QWidget* parent = nullptr);

    void setLesson(const Lesson& lesson);
    bool hasLesson() const { return m_hasLesson; }
    const Lesson& lesson() const { return m_lesson; }
    int step() const { return m_step; }
    // Shows step i (clamped) and emits stepChanged(i) when it changes or `force` is set.
    void setStep(int step, bool force = false);
    // The window's result for the current step: fills the check line.
    void showResult(const Tensor& tensor, const QuantResult& result);
    // Replaces the check line by a note (e.g. the controls no longer match the step).
    void showNote(const QString& note);
    const std::vector<LessonCheckLine>& checks() const { return m_checks; }
    bool allChecksOk() const;  // true when every asserted number holds (and there is one)
    QString checkText() const; // the check line, plain text
    void setPresentationMode(bool on);
    // The height the panel may take (its scroll area's); pages the text when presenting.
    void setPageHeight(int height);
    int pageCount() const { return int(m_pages.size()); }
    int page() const { return m_page; }
    void next();     // the next page of the text, else the next step
    void previous(); // the previous page, else the previous step

signals:
    void stepChanged(int step);
    void closeRequested();

private:
    void updateTexts();
    void updateButtons();
    void paginate();
    QStringList fillPages(const QStringList& chunks);
    void showPage();
    int textHeight(const QString& text, int width) const;

    Lesson m_lesson;
    bool m_hasLesson = false;
    int m_step = 0;
    QStringList m_pages; // the lesson's text, whole or in pages
    int m_page = 0;
    int m_pageHeight = 0;
    bool m_presenting = false;
    std::vector<LessonCheckLine> m_checks;
    QLabel* m_title = nullptr;
    QLabel* m_text = nullptr;
    QLabel* m_question = nullptr;
    QLabel* m_caption = nullptr;
    QLabel* m_check = nullptr;
    QPushButton* m_prev = nullptr;
    QPushButton* m_next = nullptr;
    QPushButton* m_close = nullptr;
};

} // namespace qs::ui
