// QuantPanel: the controls that make a QuantConfig (bits, scheme, code range options, range
// method, granularity, rounding, and the advanced conventions where reference systems differ).
// Impossible combinations are disabled with a tooltip saying why (symmetric needs 2+ bits,
// "signed" only applies to asymmetric, fp16/bf16 have no bits or ranges, the axis is limited to
// the tensor's rank; low-bit formats fix their own bits, scales and rounding). A preset combo at
// the top sets every control from core/presets.h; the user may change any afterwards (the config
// then names the preset with " + changes"). Emits configChanged() once per user change.
#pragma once

#include "core/config/quant_config.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSlider;
class QSpinBox;

namespace qs::ui {

class ImportanceRow;

class QuantPanel : public QWidget {
    Q_OBJECT
public:
    explicit QuantPanel(QWidget* parent = nullptr);

    QuantConfig config() const;
    // Shows config in the controls (emits configChanged once if it differs).
    void setConfig(const QuantConfig& config);
    // Limits axis choices to the tensor's rank; 0-d tensors allow per tensor only.
    void setTensorShape(const std::vector<int64_t>& shape);

    void stepBits(int delta);
    void stepScheme(int delta);
    // Why the current config is what it is (e.g. "symmetric needs at least 2 bits"), or empty.
    QString explanation() const;
    // The importance file for the weighted GGML quantizers (not part of the config).
    ImportanceRow* importance() const { return m_importance; }

signals:
    void configChanged();

private:
    // Role of a combo item's own tooltip, restored when a disabled item is enabled again.
    static constexpr int kItemTipRole = Qt::UserRole + 1;

    // The builders of the constructor (quant_panel_build.cpp), one per group of rows.
    void buildPresetRow(QWidget* box, QFormLayout* form);
    void buildBitsRow(QWidget* box, QFormLayout* form);
    void buildSchemeRows(QWidget* box, QFormLayout* form);
    void buildCodeRangeRows(QWidget* box, QFormLayout* form);
    void buildRangeRows(QWidget* box, QFormLayout* form);
    void buildSliceRows(QWidget* box, QFormLayout* form);
    void buildRoundingRow(QFormLayout* form);
    QGroupBox* buildConventionsBox();
    QComboBox* makeCombo(const char* objectName, const std::vector<std::string>& names);
    static int indexOf(QComboBox* combo, const std::string& name);

    // updateEnabled() and its steps: which controls apply to the scheme, and the note.
    void updateEnabled();
    void updateBitsControls(Scheme scheme, QStringList& notes);
    void updateCodeControls(Scheme scheme);
    void updateOptimizerItems();
    void updateSliceControls(Scheme scheme, QStringList& notes);
    QStringList formatNotes(Scheme scheme) const;
    QString keptConventionsNote() const;
    void setItemEnabled(QComboBox* combo, int index, bool enabled, const QString& why);

    void showPreset(const std::string& preset);
    void showConventions(const QuantConfig& c);
    void changed();
    void applyPreset(int index);
    std::vector<double> codebookValues() const;

    QComboBox* m_preset;
    QCheckBox* m_saturate;
    QComboBox* m_mxScaleRounding;
    QLineEdit* m_codebook;
    std::string m_presetName; // preset the controls were last set from ("" = none)
    bool m_presetModified = false;
    QSlider* m_bitsSlider;
    QSpinBox* m_bits;
    QComboBox* m_scheme;
    QCheckBox* m_signed;
    QCheckBox* m_fullRange;
    QCheckBox* m_includeZero;
    QComboBox* m_range;
    QDoubleSpinBox* m_percentile;
    QComboBox* m_granularity;
    QSpinBox* m_axis;
    QSpinBox* m_groupSize;
    QComboBox* m_rounding;
    QGroupBox* m_advanced;
    QComboBox* m_roundingOrder;
    QComboBox* m_symmetricScale;
    QCheckBox* m_multiplyByInverse;
    QCheckBox* m_float32Params;
    QCheckBox* m_reciprocalScale;
    QSpinBox* m_seed;
    // Conventions without a control of their own, as the last setConfig() gave them (from a
    // preset, session or lesson); they apply while the conventions box is checked.
    Rounding m_zeroPointRounding = Rounding::HalfEven;
    ConstantRange m_constantRange = ConstantRange::Exact;
    bool m_unsignedSymmetric = false;
    int m_clampBits = 0;
    QLabel* m_note;
    ImportanceRow* m_importance;
    std::vector<int64_t> m_shape;
    bool m_hasShape = false;
    bool m_updating = false;
};

} // namespace qs::ui
