// ImportanceRow: the quantization panel's choice of an importance file for the weighted GGML
// quantizers (llama.cpp's imatrix, .gguf or legacy .dat, whose entry is the tensor's name; or a
// 1-D .npy vector with one weight per column). The importance is data, not part of the
// QuantConfig: the row holds the file, the window's jobs load it for the tensor they quantize.
// A file is checked when chosen; a bad one is refused with a message (a dialog when chosen with
// the button). Schemes without a weighted path disable the row, saying why.
#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;
class QToolButton;

namespace qs::ui {

class ImportanceRow : public QWidget {
    Q_OBJECT
public:
    explicit ImportanceRow(QWidget* parent = nullptr);

    QString file() const { return m_file; } // empty: no importance
    // Takes `path` once it reads as an importance file; returns "" then, else the message (and
    // the row keeps its file). Emits changed() when the file changes.
    QString setFile(const QString& path);
    void clear();
    // Whether the current scheme uses importance; `why` says why not.
    void setApplies(bool applies, const QString& why);
    bool applies() const { return m_applies; }
    // What the chooser does with a picked file: setFile, and a warning dialog for a bad one.
    void takeChosenFile(const QString& path);

signals:
    void changed();

private:
    void choose(); // the file dialog, then takeChosenFile
    void showFile();

    QLabel* m_name;
    QPushButton* m_choose;
    QToolButton* m_clear;
    QString m_file;
    bool m_applies = true;
};

} // namespace qs::ui
