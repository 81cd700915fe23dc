// The importance file of the quantization panel (see importance_row.h).
#include "ui/panels/importance_row.h"

#include "core/base/error.h"
#include "core/io/imatrix.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>

namespace qs::ui {

namespace {

QString rowTip()
{
    return QObject::tr(
        "Importance-weighted quantization, as llama.cpp's quantizer does with an imatrix: one "
        "weight per input column (per position within a row) steers the search of the block "
        "scales toward the columns that matter.\nFiles: llama.cpp imatrix (.gguf, or the "
        "legacy .dat; the entry named as the tensor is used) or a 1-D .npy vector.\nGGML "
        "schemes q4_0 ... iq4_xs (q8_0 has no weighted path).");
}

} // namespace

ImportanceRow::ImportanceRow(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_name = new QLabel(this);
    m_name->setObjectName(QStringLiteral("importanceName"));
    m_name->setMinimumWidth(40);
    m_name->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_choose = new QPushButton(tr("&Importance…"), this);
    m_choose->setObjectName(QStringLiteral("importanceButton"));
    m_clear = new QToolButton(this);
    m_clear->setObjectName(QStringLiteral("importanceClear"));
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Quantize without importance (the unweighted path)."));
    layout->addWidget(m_name, 1);
    layout->addWidget(m_choose);
    layout->addWidget(m_clear);
    setToolTip(rowTip());
    m_choose->setToolTip(rowTip());
    connect(m_choose, &QPushButton::clicked, this, &ImportanceRow::choose);
    connect(m_clear, &QToolButton::clicked, this, &ImportanceRow::clear);
    showFile();
}

QString ImportanceRow::setFile(const QString& path)
{
    try {
        checkImportanceFile(path.toStdString());
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    if (path != m_file) {
        m_file = path;
        showFile();
        emit changed();
    }
    return QString();
}

void ImportanceRow::clear()
{
    if (m_file.isEmpty())
        return;
    m_file.clear();
    showFile();
    emit changed();
}

void ImportanceRow::setApplies(bool applies, const QString& why)
{
    m_applies = applies;
    m_choose->setEnabled(applies);
    m_name->setEnabled(applies);
    m_choose->setToolTip(applies ? rowTip() : why + QStringLiteral("\n\n") + rowTip());
    showFile();
}

void ImportanceRow::choose()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Importance"), QFileInfo(m_file).absolutePath(),
                                     tr("Importance (*.gguf *.dat *.npy);;All files (*)"));
    if (!path.isEmpty())
        takeChosenFile(path);
}

void ImportanceRow::takeChosenFile(const QString& path)
{
    const QString error = setFile(path);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Importance"),
                             tr("The importance file was not used.\n\n%1").arg(error));
}

void ImportanceRow::showFile()
{
    const QString name = m_file.isEmpty() ? tr("none") : QFileInfo(m_file).fileName();
    m_name->setText(m_applies || m_file.isEmpty() ? name : tr("%1 (not used)").arg(name));
    m_name->setToolTip(m_file.isEmpty() ? tr("No importance: the unweighted path.") : m_file);
    m_clear->setEnabled(!m_file.isEmpty());
}

} // namespace qs::ui
