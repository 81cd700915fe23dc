#include "ui/window/window_status.h"

#include "core/base/error.h"

#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

namespace qs::ui {

WindowStatus::WindowStatus(QWidget* window, bool messageBoxes)
    : m_window(window), m_messageBoxes(messageBoxes), m_label(new QLabel(tr("Ready"))),
      m_progress(new QProgressBar), m_cancel(new QToolButton)
{
    m_label->setObjectName(QStringLiteral("statusText"));
    m_progress->setRange(0, 0); // busy indicator: quantize reports no fraction
    m_progress->setMaximumWidth(140);
    m_progress->setMaximumHeight(16);
    m_progress->hide();
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running computation (Esc)."));
    m_cancel->hide();
}

void WindowStatus::addTo(QStatusBar* bar)
{
    bar->addWidget(m_label, 1);
    bar->addPermanentWidget(m_progress);
    bar->addPermanentWidget(m_cancel);
}

void WindowStatus::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
}

void WindowStatus::setStatus(const QString& text)
{
    m_label->setText(text);
}

void WindowStatus::showError(const QString& message, bool dialog)
{
    m_lastError = message;
    setStatus(message);
    if (dialog && m_messageBoxes) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("QuantScope"), message,
                                    QMessageBox::Ok, m_window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("errorBox"));
        box->open(); // window-modal, returns at once
    }
    emit errorShown(message);
}

bool WindowStatus::reportErrors(const std::function<void()>& work)
{
    try {
        work();
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()), true);
        return false;
    }
}

} // namespace qs::ui
