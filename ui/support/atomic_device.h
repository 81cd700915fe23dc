// AtomicFileDevice: qs::AtomicFile as a write-only QIODevice, for the Qt writers that need a
// device (QImage::save, QSvgGenerator, QPdfWriter). Bytes go to a temporary file beside the
// target; only commit() puts the file in place, and a device destroyed without commit() (an
// error, a cancelled export) leaves the target as it was.
#pragma once

#include "core/io/atomic_file.h"

#include <QIODevice>
#include <QString>

#include <memory>

namespace qs::ui {

class AtomicFileDevice : public QIODevice {
public:
    explicit AtomicFileDevice(const QString& path);
    ~AtomicFileDevice() override;

    // WriteOnly only: creates the temporary file. False with errorString() when it cannot.
    bool open(OpenMode mode) override;
    // Puts the file in place. False with errorString() when a write failed or the rename did.
    bool commit();

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char* data, qint64 size) override;

private:
    QString m_path;
    std::unique_ptr<AtomicFile> m_file;
    bool m_failed = false;
};

} // namespace qs::ui
