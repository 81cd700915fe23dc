#include "ui/window/session_controller.h"

#include "ui/panels/quant_panel.h"
#include "ui/panels/source_panel.h"
#include "ui/window/result_pipeline.h"
#include "ui/window/window_status.h"
#include "ui/window/window_tabs.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>

namespace qs::ui {

SessionController::SessionController(
    const WindowParts& parts,
    std::function<void(const QString& path, const QString& member)> openFile)
    : m_pipeline(parts.pipeline), m_tabs(parts.tabs), m_quant(parts.quant), m_source(parts.source),
      m_status(parts.status), m_window(parts.window), m_openFile(std::move(openFile))
{
}

Session SessionController::session() const
{
    Session s;
    s.source = m_pipeline.source();
    if (s.source.kind == SourceSpec::Kind::Custom) {
        s.source.kind = SourceSpec::Kind::Generated;
        s.source.generator = exampleGenerator();
    }
    s.config = m_quant.config();
    s.tab = m_tabs.currentTabName();
    s.errorBins = m_tabs.errorBins();
    s.valueBins = m_tabs.valueBins();
    return s;
}

void SessionController::apply(const Session& s)
{
    m_quant.setConfig(s.config);
    if (!m_tabs.setCurrentTab(s.tab))
        m_tabs.setCurrentChart(ChartKind::Values);
    m_tabs.setBinsQuietly(s.errorBins, s.valueBins);
    if (s.source.kind == SourceSpec::Kind::File) {
        m_source.findChild<QCheckBox*>(QStringLiteral("grayscaleCheck"))
            ->setChecked(s.source.grayscale);
        m_openFile(s.source.path, s.source.member);
    } else {
        m_source.setGeneratorOptions(s.source.generator);
        m_pipeline.generate(s.source.generator);
    }
}

bool SessionController::save(const QString& path)
{
    return m_status.reportErrors([&] {
        saveSessionFile(session(), path);
        m_status.setStatus(tr("Session saved to %1").arg(QFileInfo(path).fileName()));
    });
}

bool SessionController::open(const QString& path)
{
    return m_status.reportErrors([&] { apply(loadSessionFile(path)); });
}

Session SessionController::startSession(const QByteArray& last) const
{
    Session start;
    start.source.generator = exampleGenerator();
    if (last.isEmpty())
        return start;
    try {
        const Session s = sessionFromJson(last, tr("last session"));
        start.config = s.config;
        start.tab = s.tab;
        start.errorBins = s.errorBins;
        // Generated sources come back; files are reopened by the user (recent files).
        if (s.source.kind == SourceSpec::Kind::Generated)
            start.source = s.source;
    } catch (const Error&) {
        // A stale or damaged entry: start on the defaults.
    }
    return start;
}

void SessionController::askOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open Session"), m_pipeline.sourceDir(), tr("QuantScope sessions (*.qscope)"));
    if (!path.isEmpty())
        open(path);
}

void SessionController::askSave()
{
    QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save Session"), m_pipeline.sourceDir() + QStringLiteral("/session.qscope"),
        tr("QuantScope sessions (*.qscope)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".qscope");
    save(path);
}

} // namespace qs::ui
