#include "ui/support/atomic_device.h"

#include "core/base/error.h"

namespace qs::ui {

AtomicFileDevice::AtomicFileDevice(const QString& path) : m_path(path) {}

AtomicFileDevice::~AtomicFileDevice() = default; // without commit() AtomicFile discards

bool AtomicFileDevice::open(OpenMode mode)
{
    if (mode != WriteOnly) {
        setErrorString(QStringLiteral("only writing is supported"));
        return false;
    }
    try {
        m_file = std::make_unique<AtomicFile>(m_path.toStdString());
    } catch (const Error& e) {
        setErrorString(QString::fromStdString(e.what()));
        return false;
    }
    m_failed = false;
    return QIODevice::open(mode);
}

bool AtomicFileDevice::commit()
{
    if (!m_file || m_failed)
        return false;
    try {
        m_file->commit();
    } catch (const Error& e) {
        setErrorString(QString::fromStdString(e.what()));
        return false;
    }
    m_file.reset();
    close();
    return true;
}

qint64 AtomicFileDevice::readData(char*, qint64)
{
    return -1;
}

qint64 AtomicFileDevice::writeData(const char* data, qint64 size)
{
    if (!m_file || m_failed)
        return -1;
    try {
        m_file->write(data, static_cast<size_t>(size));
    } catch (const Error& e) {
        setErrorString(QString::fromStdString(e.what()));
        m_failed = true;
        return -1;
    }
    return size;
}

} // namespace qs::ui
