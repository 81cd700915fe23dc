// QuantPanel's state: the config the controls show, presets, and which controls apply to the
// current scheme (the constructor and its builders are in quant_panel_build.cpp).
#include "ui/panels/quant_panel.h"

#include "core/base/error.h"
#include "core/config/presets.h"
#include "ui/panels/importance_row.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>

#include <cmath>

namespace qs::ui {

namespace {

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string currentName(const QComboBox* combo)
{
    return combo->currentData().toString().toStdString();
}

// Enables w or disables it with the reason in front of its own tooltip.
void setApplies(QWidget* w, bool on, const QString& why)
{
    if (!w->property("baseToolTip").isValid())
        w->setProperty("baseToolTip", w->toolTip());
    const QString base = w->property("baseToolTip").toString();
    w->setEnabled(on);
    w->setToolTip(
        on || why.isEmpty() ? base : (base.isEmpty() ? why : why + QStringLiteral("\n\n") + base));
}

bool usesGroupSize(Scheme s)
{
    return s == Scheme::NF4 || s == Scheme::FP4 || s == Scheme::AbsmaxInt8 || s == Scheme::Dynamic8;
}

const char* const kChanges = " + changes";

} // namespace

int QuantPanel::indexOf(QComboBox* combo, const std::string& name)
{
    return combo->findData(qstr(name));
}

// A disabled item shows why; an enabled one its own tooltip (kItemTipRole) again.
void QuantPanel::setItemEnabled(QComboBox* combo, int index, bool enabled, const QString& why)
{
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    if (!model)
        return;
    QStandardItem* item = model->item(index);
    item->setEnabled(enabled);
    item->setToolTip(enabled ? item->data(kItemTipRole).toString() : why);
}

QuantConfig QuantPanel::config() const
{
    QuantConfig c;
    c.bits = m_bits->value();
    c.scheme = schemeFromName(currentName(m_scheme));
    c.signedCodes = m_signed->isChecked();
    c.fullRange = m_fullRange->isChecked();
    c.includeZero = m_includeZero->isChecked();
    c.range = rangeMethodFromName(currentName(m_range));
    c.percentile = m_percentile->value();
    c.granularity = granularityFromName(currentName(m_granularity));
    c.axis = m_axis->value();
    c.groupSize = m_groupSize->value();
    c.rounding = roundingFromName(currentName(m_rounding));
    c.saturate = m_saturate->isChecked();
    c.mxScaleRounding = mxScaleRoundingFromName(currentName(m_mxScaleRounding));
    c.codebook = codebookValues();
    if (c.scheme == Scheme::Codebook && c.codebook.empty())
        c.codebook = {-1, -0.5, 0, 0.5, 1}; // never an invalid config from the panel
    if (c.scheme == Scheme::LloydMax && c.bits > 8)
        c.bits = 8;
    c.preset =
        m_presetName.empty() ? std::string() : m_presetName + (m_presetModified ? kChanges : "");
    if (m_advanced->isChecked()) {
        c.roundingOrder = roundingOrderFromName(currentName(m_roundingOrder));
        c.symmetricScale = symmetricScaleFromName(currentName(m_symmetricScale));
        c.multiplyByInverse = m_multiplyByInverse->isChecked();
        c.float32Params = m_float32Params->isChecked();
        c.reciprocalScale = m_reciprocalScale->isEnabled() && m_reciprocalScale->isChecked();
        c.seed = uint64_t(m_seed->value());
        c.zeroPointRounding = m_zeroPointRounding;
        c.constantRange = m_constantRange;
        c.unsignedSymmetric = m_unsignedSymmetric;
        // A storage type narrower than the bits now chosen no longer applies.
        if (c.scheme == Scheme::Asymmetric && m_clampBits >= c.bits)
            c.clampBits = m_clampBits;
    }
    // Symmetric has no 1-bit grid; the spin box minimum already enforces it.
    if (c.scheme == Scheme::Symmetric && c.bits < 2)
        c.bits = 2;
    return c;
}

void QuantPanel::setConfig(const QuantConfig& c)
{
    const QuantConfig before = config();
    {
        const bool wasUpdating = m_updating;
        m_updating = true;
        m_scheme->setCurrentIndex(indexOf(m_scheme, toName(c.scheme)));
        m_bits->setMinimum(c.scheme == Scheme::Symmetric ? 2 : 1);
        m_bits->setValue(c.bits);
        m_signed->setChecked(c.signedCodes);
        m_fullRange->setChecked(c.fullRange);
        m_includeZero->setChecked(c.includeZero);
        m_range->setCurrentIndex(indexOf(m_range, toName(c.range)));
        m_percentile->setValue(c.percentile);
        m_granularity->setCurrentIndex(indexOf(m_granularity, toName(c.granularity)));
        if (c.axis > m_axis->maximum())
            m_axis->setMaximum(c.axis);
        m_axis->setValue(c.axis);
        m_groupSize->setValue(int(std::min<int64_t>(c.groupSize, m_groupSize->maximum())));
        m_rounding->setCurrentIndex(indexOf(m_rounding, toName(c.rounding)));
        m_saturate->setChecked(c.saturate);
        m_mxScaleRounding->setCurrentIndex(indexOf(m_mxScaleRounding, toName(c.mxScaleRounding)));
        QStringList values;
        for (double v : c.codebook)
            values << QString::number(v, 'g', QLocale::FloatingPointShortest);
        m_codebook->setText(values.join(QStringLiteral(", ")));
        showPreset(c.preset);
        showConventions(c);
        m_updating = wasUpdating;
    }
    updateEnabled();
    if (!m_updating && before != config())
        emit configChanged();
}

// The preset combo shows the preset a config started from ("NAME + changes": NAME, modified).
void QuantPanel::showPreset(const std::string& preset)
{
    const std::string suffix = kChanges;
    m_presetModified = preset.size() > suffix.size() &&
                       preset.compare(preset.size() - suffix.size(), suffix.size(), suffix) == 0;
    m_presetName = currentPresetName(
        m_presetModified ? preset.substr(0, preset.size() - suffix.size()) : preset);
    const int pi = m_presetName.empty() ? 0 : indexOf(m_preset, m_presetName);
    m_preset->setCurrentIndex(pi < 0 ? 0 : pi);
}

// The conventions box, checked when any of its values is not the default.
void QuantPanel::showConventions(const QuantConfig& c)
{
    const QuantConfig defaults;
    const bool advanced =
        c.roundingOrder != defaults.roundingOrder || c.symmetricScale != defaults.symmetricScale ||
        c.multiplyByInverse || c.float32Params || c.reciprocalScale || c.seed != 0 ||
        c.zeroPointRounding != defaults.zeroPointRounding ||
        c.constantRange != defaults.constantRange || c.unsignedSymmetric || c.clampBits != 0;
    m_advanced->setChecked(advanced);
    m_zeroPointRounding = c.zeroPointRounding;
    m_constantRange = c.constantRange;
    m_unsignedSymmetric = c.unsignedSymmetric;
    m_clampBits = c.clampBits;
    m_roundingOrder->setCurrentIndex(indexOf(m_roundingOrder, toName(c.roundingOrder)));
    m_symmetricScale->setCurrentIndex(indexOf(m_symmetricScale, toName(c.symmetricScale)));
    m_multiplyByInverse->setChecked(c.multiplyByInverse);
    m_float32Params->setChecked(c.float32Params);
    m_reciprocalScale->setChecked(c.reciprocalScale);
    m_seed->setValue(int(std::min<uint64_t>(c.seed, uint64_t(m_seed->maximum()))));
}

void QuantPanel::applyPreset(int index)
{
    const std::string name = m_preset->itemData(index).toString().toStdString();
    if (name.empty()) { // "(none)": keep the controls, forget the preset
        m_presetName.clear();
        m_presetModified = false;
        emit configChanged();
        return;
    }
    QuantConfig c = presetByName(name).config;
    if (c.axis > m_axis->maximum() && m_hasShape)
        c.axis = 0;
    setConfig(c);
}

std::vector<double> QuantPanel::codebookValues() const
{
    // Compiled once: config() asks for the values at every control change.
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    std::vector<double> v;
    for (const QString& part : m_codebook->text().split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const double x = part.toDouble(&ok);
        if (ok && std::isfinite(x))
            v.push_back(x);
    }
    return v;
}

void QuantPanel::setTensorShape(const std::vector<int64_t>& shape)
{
    m_shape = shape;
    m_hasShape = true;
    const bool wasUpdating = m_updating;
    m_updating = true;
    const int rank = int(shape.size());
    m_axis->setMaximum(std::max(0, rank - 1));
    m_updating = wasUpdating;
    updateEnabled();
}

void QuantPanel::stepBits(int delta)
{
    if (m_bits->isEnabled())
        m_bits->setValue(m_bits->value() + delta);
}

void QuantPanel::stepScheme(int delta)
{
    const int n = m_scheme->count();
    int i = m_scheme->currentIndex();
    for (int k = 0; k < n; ++k) {
        i = (i + delta % n + n) % n;
        auto* model = qobject_cast<QStandardItemModel*>(m_scheme->model());
        if (!model || model->item(i)->isEnabled()) {
            m_scheme->setCurrentIndex(i);
            return;
        }
    }
}

QString QuantPanel::explanation() const
{
    return m_note->text();
}

void QuantPanel::changed()
{
    if (m_updating)
        return;
    if (!m_presetName.empty())
        m_presetModified = true;
    updateEnabled();
    emit configChanged();
}

void QuantPanel::updateEnabled()
{
    const bool wasUpdating = m_updating;
    m_updating = true;
    const Scheme scheme = schemeFromName(currentName(m_scheme));
    QStringList notes;
    updateBitsControls(scheme, notes);
    updateOptimizerItems();
    updateCodeControls(scheme);
    updateSliceControls(scheme, notes);
    notes << formatNotes(scheme);
    const QString kept = keptConventionsNote();
    if (!kept.isEmpty())
        notes << kept;
    m_note->setText(notes.join(QLatin1Char(' ')));
    m_updating = wasUpdating;
}

// Bits, saturation, the code book and the symmetric item of the scheme combo.
void QuantPanel::updateBitsControls(Scheme scheme, QStringList& notes)
{
    const bool integer = scheme == Scheme::Asymmetric || scheme == Scheme::Symmetric;
    const bool sym = scheme == Scheme::Symmetric;
    const bool lloyd = scheme == Scheme::LloydMax;
    m_bits->setMinimum(sym ? 2 : 1);
    m_bitsSlider->setMinimum(sym ? 2 : 1);
    m_bits->setMaximum(lloyd ? 8 : 16);
    m_bitsSlider->setMaximum(lloyd ? 8 : 16);
    const QString fixedBits =
        tr("Not used by %1: the format fixes its bit width.").arg(qstr(toName(scheme)));
    setApplies(m_bits, integer || lloyd, fixedBits);
    setApplies(m_bitsSlider, integer || lloyd, fixedBits);
    setApplies(m_mxScaleRounding, isMxScheme(scheme),
               tr("Only the MX schemes have an E8M0 shared scale per block."));
    setApplies(m_saturate,
               scheme == Scheme::E4M3 || scheme == Scheme::E5M2 || scheme == Scheme::E4M3FNUZ ||
                   scheme == Scheme::E5M2FNUZ,
               scheme == Scheme::E2M1
                   ? tr("E2M1 has no inf or NaN: it always saturates.")
                   : tr("Only e4m3, e5m2 and the FNUZ float8 formats can overflow to "
                        "NaN / inf."));
    setApplies(m_codebook, scheme == Scheme::Codebook,
               tr("Only the codebook scheme uses a list of values."));
    m_importance->setApplies(hasImportancePath(scheme),
                             tr("%1 has no importance-weighted path.").arg(qstr(toName(scheme))));
    setItemEnabled(m_scheme, indexOf(m_scheme, toName(Scheme::Symmetric)),
                   m_bits->value() >= 2 || sym,
                   tr("Symmetric quantization needs at least 2 bits (no 1-bit grid with zero)."));
    if (sym)
        notes << tr("Symmetric needs 2+ bits; zero point is 0.");
}

// The range methods that optimise the parameters (hqq, grid-search) fit asymmetric integer
// grids rounded to nearest after the zero point: their items are disabled, with the reason, when
// the other options do not admit them, and a configuration that stops admitting the chosen one
// falls back to min-max.
void QuantPanel::updateOptimizerItems()
{
    for (RangeMethod m : {RangeMethod::Hqq, RangeMethod::GridSearch}) {
        QuantConfig c = config();
        c.range = m;
        QString why;
        try {
            c.validate();
        } catch (const Error& e) {
            why = QString::fromUtf8(e.what());
        }
        const int index = indexOf(m_range, toName(m));
        setItemEnabled(m_range, index, why.isEmpty(), why);
        if (!why.isEmpty() && m_range->currentIndex() == index)
            m_range->setCurrentIndex(indexOf(m_range, toName(RangeMethod::MinMax)));
    }
}

// The code range options, range method, rounding and conventions of the integer schemes.
void QuantPanel::updateCodeControls(Scheme scheme)
{
    const bool integer = scheme == Scheme::Asymmetric || scheme == Scheme::Symmetric;
    const bool sym = scheme == Scheme::Symmetric;
    m_signed->setEnabled(scheme == Scheme::Asymmetric);
    m_fullRange->setEnabled(sym);
    m_includeZero->setEnabled(scheme == Scheme::Asymmetric);
    const QString ownScale =
        tr("Not used by %1: the format computes its own scales and rounds to nearest.")
            .arg(qstr(toName(scheme)));
    setApplies(m_range, integer, isLowbitScheme(scheme) ? ownScale : QString());
    setApplies(m_rounding, integer, isLowbitScheme(scheme) ? ownScale : QString());
    m_percentile->setEnabled(integer && usesPercentile(rangeMethodFromName(currentName(m_range))));
    m_advanced->setEnabled(integer);
    m_symmetricScale->setEnabled(sym);
    m_reciprocalScale->setEnabled(sym && !m_unsignedSymmetric); // s' needs signed codes
    m_seed->setEnabled(roundingFromName(currentName(m_rounding)) == Rounding::Stochastic);
}

// Granularity, axis and group size, with a note on the slices.
void QuantPanel::updateSliceControls(Scheme scheme, QStringList& notes)
{
    const bool integer = scheme == Scheme::Asymmetric || scheme == Scheme::Symmetric;
    const bool lowbit = isLowbitScheme(scheme);
    setApplies(m_granularity, integer || scheme == Scheme::Codebook,
               lowbit ? tr("%1 fixes its blocks (see the note below).").arg(qstr(toName(scheme)))
                      : QString());
    const bool scalar = m_hasShape && m_shape.empty();
    for (Granularity g : {Granularity::PerChannel, Granularity::PerGroup})
        setItemEnabled(m_granularity, indexOf(m_granularity, toName(g)), !scalar,
                       tr("A 0-d tensor has no axis: only per tensor."));
    const Granularity gran = granularityFromName(currentName(m_granularity));
    m_axis->setEnabled(integer && gran != Granularity::PerTensor);
    setApplies(m_groupSize,
               (integer && gran == Granularity::PerGroup) || usesGroupSize(scheme) ||
                   (scheme == Scheme::Codebook && gran == Granularity::PerGroup),
               lowbit ? tr("%1 has no block size to choose.").arg(qstr(toName(scheme)))
                      : QString());
    const int rank = int(m_shape.size());
    if (gran == Granularity::PerTensor || rank == 0 || !integer)
        return;
    const int64_t length = m_shape[size_t(std::min(m_axis->value(), rank - 1))];
    notes << tr("Axis %1 of %2: %3 slices along a length of %4.")
                 .arg(m_axis->value())
                 .arg(rank)
                 .arg(gran == Granularity::PerChannel
                          ? QString::number(length)
                          : tr("groups of %1").arg(m_groupSize->value()))
                 .arg(length);
}

// What the fp16 / bf16 and low-bit formats do (empty for the integer schemes).
QStringList QuantPanel::formatNotes(Scheme scheme) const
{
    QStringList notes;
    const Granularity gran = granularityFromName(currentName(m_granularity));
    if (isLowbitScheme(scheme)) {
        QuantConfig c;
        c.scheme = scheme;
        c.bits = m_bits->value();
        c.groupSize = m_groupSize->value();
        c.granularity = gran;
        c.saturate = m_saturate->isChecked();
        c.mxScaleRounding = mxScaleRoundingFromName(currentName(m_mxScaleRounding));
        c.codebook = codebookValues();
        notes << qstr(c.summary()) + QLatin1Char('.');
        if (usesGroupSize(scheme) || (scheme == Scheme::Codebook && gran == Granularity::PerGroup))
            notes << tr("Blocks of G = %1 consecutive elements of the flattened tensor.")
                         .arg(m_groupSize->value());
        if (scheme == Scheme::Codebook && codebookValues().empty())
            notes << tr("No values given: using -1, -0.5, 0, 0.5, 1.");
    } else if (scheme == Scheme::FP16 || scheme == Scheme::BF16) {
        notes << tr("fp16 / bf16 round each value to the nearest 16-bit float: bits, range "
                    "method, granularity and rounding do not apply.");
    }
    return notes;
}

// The conventions in effect that have no control (set by a preset, session or lesson).
QString QuantPanel::keptConventionsNote() const
{
    if (!m_advanced->isChecked())
        return QString();
    const QuantConfig defaults;
    QStringList kept;
    if (m_zeroPointRounding != defaults.zeroPointRounding)
        kept << tr("zero point rounded %1").arg(qstr(toName(m_zeroPointRounding)));
    if (m_constantRange != defaults.constantRange)
        kept << tr("constant range %1").arg(qstr(toName(m_constantRange)));
    if (m_unsignedSymmetric)
        kept << tr("unsigned symmetric codes");
    if (m_clampBits != 0)
        kept << tr("codes clamped to %1 bits").arg(m_clampBits);
    return kept.isEmpty() ? QString() : tr("Conventions: %1.").arg(kept.join(QStringLiteral(", ")));
}

} // namespace qs::ui
