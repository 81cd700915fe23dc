// SourcePanel: where the tensor comes from. "Generate" builds one with qs::generate from the
// options shown (distribution, shape, parameters, seed, outliers, decimals); "Open" loads a file
// (the window does the loading). For files with several tensors the model browser lists them as
// a tree with stored type, shape, parameters and size. The facts box shows the current tensor's
// name, shape, dtype, how the file stores it, min, max, mean, std and non-finite count.
#pragma once

#include "core/data/generators.h"
#include "core/io/tensor_file.h"
#include "ui/jobs/job_runner.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QVBoxLayout;

namespace qs::ui {

class ModelBrowser;

class SourcePanel : public QWidget {
    Q_OBJECT
public:
    explicit SourcePanel(QWidget* parent = nullptr);

    // Generator options from the controls; throws qs::Error for a shape that does not parse.
    GeneratorOptions generatorOptions() const;
    void setGeneratorOptions(const GeneratorOptions& options); // no signal
    // Shows the tensors of a multi-tensor file in the model browser (hidden for one tensor);
    // no signal.
    void setMembers(const std::vector<TensorInfo>& members, const QString& current);
    void clearMembers();
    // False hides the model browser even for a file with several tensors (presentation mode).
    void setBrowserAllowed(bool allowed);
    // storedAs: how the file stores the tensor ("Q4_K, 4.5 bits/weight"); empty if not from a file.
    void setFacts(const Tensor& tensor, const TensorFacts& facts, const QString& origin,
                  const QString& storedAs = {});
    QString factsText() const;
    // The facts box and the model browser; the window may place them elsewhere (they stay owned
    // by the layout they join).
    QWidget* factsBox() const { return m_factsBox; }
    ModelBrowser* modelBrowser() const { return m_browser; }
    QWidget* modelBrowserPane() const { return m_browserPane; } // the browser with margins
    bool grayscale() const;

signals:
    void generateRequested(); // generator options changed or Generate pressed
    void openRequested();     // "Open file..." pressed
    void memberChosen(const QString& name);
    void grayscaleChanged(bool grayscale);

private:
    void buildButtons(QWidget* box, QVBoxLayout* v);
    void buildFileRows(QWidget* box, QVBoxLayout* v);
    void buildDistributionRows(QWidget* box);
    void buildParameterRows(QWidget* box);
    void buildSeedAndOutlierRows(QWidget* box);
    void connectEdits();
    QWidget* buildFactsBox();
    void updateParamVisibility();
    void edited();

    QComboBox* m_distribution;
    QLineEdit* m_shape;
    QDoubleSpinBox* m_low;
    QDoubleSpinBox* m_high;
    QDoubleSpinBox* m_mean;
    QDoubleSpinBox* m_std;
    QDoubleSpinBox* m_heScale;
    QComboBox* m_fanMode;
    QDoubleSpinBox* m_separation;
    QSpinBox* m_seed;
    QSpinBox* m_outliers;
    QDoubleSpinBox* m_outlierValue;
    QComboBox* m_outlierPosition;
    QSpinBox* m_decimals;
    QList<QWidget*> m_rows[5];
    QFormLayout* m_form;
    ModelBrowser* m_browser;
    QWidget* m_browserPane;
    bool m_browserAllowed = true;
    QCheckBox* m_grayscale;
    QLabel* m_facts;
    QWidget* m_factsBox;
    bool m_updating = false;
};

} // namespace qs::ui
