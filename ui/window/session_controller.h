// SessionController: the window's state as a Session (source, every control, tab, bin counts)
// and back, the .qscope files it is saved in, and the session remembered between runs.
#pragma once

#include "ui/support/session.h"
#include "ui/window/window_parts.h"

#include <QObject>

#include <functional>

namespace qs::ui {

class SessionController : public QObject {
    Q_OBJECT
public:
    // `openFile` opens a tensor file (member may be empty), as the window's File menu does.
    SessionController(const WindowParts& parts,
                      std::function<void(const QString& path, const QString& member)> openFile);

    Session session() const; // a tensor set by the program is saved as the example generator
    void apply(const Session& session);
    bool save(const QString& path);
    bool open(const QString& path);
    // The session a run starts on: the example tensor, with the generated source, controls
    // and tab of `last` (the JSON of the previous run's session) if it reads.
    Session startSession(const QByteArray& last) const;

    // The File menu's actions: ask for a .qscope file, then open / save it.
    void askOpen();
    void askSave();

private:
    ResultPipeline& m_pipeline;
    WindowTabs& m_tabs;
    QuantPanel& m_quant;
    SourcePanel& m_source;
    WindowStatus& m_status;
    QWidget* m_window;
    std::function<void(const QString&, const QString&)> m_openFile;
};

} // namespace qs::ui
