// QuantPanel's controls: one builder per group of rows (preset, bits, scheme with its low-bit
// options, code range, range method, slices, rounding, and the conventions box). The tooltips of
// schemes, range methods and rounding modes are their descriptions from core/config/choices.h.
#include "ui/panels/quant_panel.h"

#include "core/config/choices.h"
#include "core/config/presets.h"
#include "ui/panels/importance_row.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFont>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace qs::ui {

namespace {

// Each item's tooltip is its value's description (kept in kItemTipRole too, which
// setItemEnabled restores once a disabled item is enabled again).
template <class E> void describeItems(QComboBox* combo, int tipRole)
{
    for (const Choice<E>& c : choices<E>()) {
        const int i = combo->findData(QString::fromLatin1(c.name));
        combo->setItemData(i, QString::fromUtf8(c.description), Qt::ToolTipRole);
        combo->setItemData(i, QString::fromUtf8(c.description), tipRole);
    }
}

// "name: description", one line per value.
template <class E> QString choiceLines()
{
    QStringList lines;
    for (const Choice<E>& c : choices<E>())
        lines << QString::fromLatin1(c.name) + QStringLiteral(": ") +
                     QString::fromUtf8(c.description);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QuantPanel::QuantPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* box = new QGroupBox(tr("Quantization"), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    buildPresetRow(box, form);
    buildBitsRow(box, form);
    buildSchemeRows(box, form);
    buildCodeRangeRows(box, form);
    buildRangeRows(box, form);
    buildSliceRows(box, form);
    buildRoundingRow(form);
    layout->addWidget(box);
    layout->addWidget(buildConventionsBox());

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("quantNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);

    m_updating = true;
    setConfig(QuantConfig());
    m_updating = false;
    updateEnabled();
}

QComboBox* QuantPanel::makeCombo(const char* objectName, const std::vector<std::string>& names)
{
    auto* combo = new QComboBox(this);
    combo->setObjectName(QLatin1String(objectName));
    for (const std::string& n : names)
        combo->addItem(QString::fromStdString(n), QString::fromStdString(n));
    connect(combo, &QComboBox::currentIndexChanged, this, &QuantPanel::changed);
    return combo;
}

// Every preset of core/presets.h under a title per system (presetGroups()): the titles are
// bold and disabled, so neither a click nor the arrow keys select them; picking a preset sets
// every control.
void QuantPanel::buildPresetRow(QWidget* box, QFormLayout* form)
{
    m_preset = new QComboBox(box);
    m_preset->setObjectName(QStringLiteral("presetCombo"));
    // As narrow as the panel's other fields; the list opens as wide as the longest name.
    m_preset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_preset->setMinimumContentsLength(16);
    m_preset->addItem(tr("(none)"), QString());
    auto* model = qobject_cast<QStandardItemModel*>(m_preset->model());
    QFont bold = m_preset->font();
    bold.setBold(true);
    for (const PresetGroup& g : presetGroups()) {
        m_preset->addItem(QString::fromStdString(g.title), QString());
        if (QStandardItem* title = model ? model->item(m_preset->count() - 1) : nullptr) {
            title->setFlags(Qt::NoItemFlags);
            title->setFont(bold);
        }
        for (const Preset& p : g.presets) {
            m_preset->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
            m_preset->setItemData(m_preset->count() - 1,
                                  QString::fromStdString("[" + g.title + "] " + p.description),
                                  Qt::ToolTipRole);
        }
    }
    m_preset->setToolTip(tr("Sets every control to what a reference system (PyTorch, ONNX "
                            "Runtime, TensorRT, llama.cpp / GGML, bitsandbytes, OCP) or a course "
                            "notebook does, grouped by system. Any control may be changed "
                            "afterwards."));
    connect(m_preset, &QComboBox::activated, this, &QuantPanel::applyPreset);
    form->addRow(tr("Preset"), m_preset);
}

// The bit width as a slider and a spin box that follow each other.
void QuantPanel::buildBitsRow(QWidget* box, QFormLayout* form)
{
    m_bitsSlider = new QSlider(Qt::Horizontal, box);
    m_bitsSlider->setObjectName(QStringLiteral("bitsSlider"));
    m_bitsSlider->setRange(1, 16);
    m_bitsSlider->setPageStep(1);
    m_bitsSlider->setTickPosition(QSlider::TicksBelow);
    m_bits = new QSpinBox(box);
    m_bits->setObjectName(QStringLiteral("bitsSpin"));
    m_bits->setRange(1, 16);
    m_bits->setKeyboardTracking(true);
    const QString bitsTip =
        tr("Bit width b (1-16). Codes: asymmetric [0, 2^b-1] (signed: [-2^(b-1), 2^(b-1)-1]); "
           "symmetric [-(2^(b-1)-1), 2^(b-1)-1]. Shortcut: Ctrl+Up / Ctrl+Down.");
    m_bitsSlider->setToolTip(bitsTip);
    m_bits->setToolTip(bitsTip);
    auto* bitsRow = new QHBoxLayout;
    bitsRow->addWidget(m_bitsSlider, 1);
    bitsRow->addWidget(m_bits);
    form->addRow(tr("Bits"), bitsRow);
    connect(m_bitsSlider, &QSlider::valueChanged, m_bits, &QSpinBox::setValue);
    connect(m_bits, &QSpinBox::valueChanged, this, [this](int v) {
        {
            QSignalBlocker block(m_bitsSlider);
            m_bitsSlider->setValue(v);
        }
        changed();
    });
}

// The scheme and the options of the low-bit formats (saturation, code book values).
void QuantPanel::buildSchemeRows(QWidget* box, QFormLayout* form)
{
    m_scheme = makeCombo("schemeCombo", schemeNames());
    // Groups: integer, 16-bit floats | float8/4 | microscaling | code books | GGML / int8 blocks.
    {
        QSignalBlocker block(m_scheme);
        for (Scheme first : {Scheme::MXFP8_E4M3, Scheme::NF4, Scheme::Q8_0, Scheme::E4M3})
            m_scheme->insertSeparator(indexOf(m_scheme, toName(first)));
    }
    describeItems<Scheme>(m_scheme, kItemTipRole);
    m_scheme->setToolTip(choiceLines<Scheme>() + QLatin1Char('\n') +
                         tr("Shortcut: Ctrl+] / Ctrl+[ for the next / previous scheme."));
    form->addRow(tr("Scheme"), m_scheme);

    m_saturate = new QCheckBox(tr("Saturate overflow"), box);
    m_saturate->setObjectName(QStringLiteral("saturateCheck"));
    m_saturate->setToolTip(tr("e4m3 / e5m2 / e4m3fnuz / e5m2fnuz: values beyond the largest "
                              "float8 become +-max (ONNX Cast saturate=1); off: NaN (e4m3, the "
                              "FNUZ formats) or +-inf (e5m2)."));
    connect(m_saturate, &QCheckBox::toggled, this, &QuantPanel::changed);
    form->addRow(QString(), m_saturate);
    m_mxScaleRounding = makeCombo("mxScaleRoundingCombo", choiceNames<MxScaleRounding>());
    describeItems<MxScaleRounding>(m_mxScaleRounding, kItemTipRole);
    m_mxScaleRounding->setToolTip(tr("MX schemes: how a block's largest magnitude amax becomes "
                                     "its E8M0 shared scale X (emax: the element's largest "
                                     "exponent).") +
                                  QLatin1Char('\n') + choiceLines<MxScaleRounding>());
    form->addRow(tr("MX scale"), m_mxScaleRounding);
    m_codebook = new QLineEdit(box);
    m_codebook->setObjectName(QStringLiteral("codebookEdit"));
    m_codebook->setPlaceholderText(tr("e.g. -1, -0.5, 0, 0.5, 1"));
    m_codebook->setToolTip(tr("Values of the codebook scheme, comma-separated. Granularity "
                              "group: values in [-1, 1] times each block's absmax; otherwise "
                              "the values themselves."));
    connect(m_codebook, &QLineEdit::editingFinished, this, &QuantPanel::changed);
    form->addRow(tr("Code book"), m_codebook);
    m_importance = new ImportanceRow(box);
    form->addRow(tr("Importance"), m_importance);
}

// Where the integer codes lie: signed, full range, range widened to zero.
void QuantPanel::buildCodeRangeRows(QWidget* box, QFormLayout* form)
{
    m_signed = new QCheckBox(tr("Signed codes"), box);
    m_signed->setObjectName(QStringLiteral("signedCheck"));
    m_signed->setToolTip(
        tr("Asymmetric only: codes in [-2^(b-1), 2^(b-1)-1] instead of [0, 2^b-1]; "
           "the zero point shifts by -2^(b-1)."));
    m_fullRange = new QCheckBox(tr("Full range"), box);
    m_fullRange->setObjectName(QStringLiteral("fullRangeCheck"));
    m_fullRange->setToolTip(tr("Symmetric only: allow the code -2^(b-1) (e.g. -128 at 8 bits); "
                               "otherwise the range is narrow: [-(2^(b-1)-1), 2^(b-1)-1]."));
    m_includeZero = new QCheckBox(tr("Range includes zero"), box);
    m_includeZero->setObjectName(QStringLiteral("includeZeroCheck"));
    m_includeZero->setToolTip(tr(
        "Widen [alpha, beta] to contain 0 so that 0 is exactly representable and the zero point "
        "lies in the code range (PyTorch, ONNX Runtime, TFLite). Off reproduces the truncation and"
        " asymmetric-vs-symmetric notebooks."));
    form->addRow(QString(), m_signed);
    form->addRow(QString(), m_fullRange);
    form->addRow(QString(), m_includeZero);
    for (QCheckBox* c : {m_signed, m_fullRange, m_includeZero})
        connect(c, &QCheckBox::toggled, this, &QuantPanel::changed);
}

// The range method and its percentile.
void QuantPanel::buildRangeRows(QWidget* box, QFormLayout* form)
{
    m_range = makeCombo("rangeCombo", rangeMethodNames());
    describeItems<RangeMethod>(m_range, kItemTipRole);
    m_range->setToolTip(tr("How the clipping range [alpha, beta] is chosen per slice:") +
                        QLatin1Char('\n') + choiceLines<RangeMethod>());
    form->addRow(tr("Range"), m_range);
    m_percentile = new QDoubleSpinBox(box);
    m_percentile->setObjectName(QStringLiteral("percentileSpin"));
    m_percentile->setDecimals(3);
    m_percentile->setRange(50.001, 100.0);
    m_percentile->setSingleStep(0.01);
    m_percentile->setToolTip(tr("Percentile p in (50, 100]: beta = P_p(x), alpha = P_(100-p)(x).\n"
                                "trt-percentile / ort-percentile: the histogram bin edge where "
                                "the cumulative share of |x| reaches p."));
    connect(m_percentile, &QDoubleSpinBox::valueChanged, this, &QuantPanel::changed);
    form->addRow(tr("Percentile p"), m_percentile);
}

// Granularity, axis and group size.
void QuantPanel::buildSliceRows(QWidget* box, QFormLayout* form)
{
    m_granularity = makeCombo("granularityCombo", granularityNames());
    m_granularity->setToolTip(
        tr("tensor: one scale for everything\nchannel: one scale per index along the axis\n"
           "group: one scale per G consecutive elements along the axis (the last group may be "
           "shorter)"));
    form->addRow(tr("Granularity"), m_granularity);
    m_axis = new QSpinBox(box);
    m_axis->setObjectName(QStringLiteral("axisSpin"));
    m_axis->setRange(0, 0);
    m_axis->setToolTip(tr("Axis of the channels / groups (0 = rows of a matrix, 1 = columns)."));
    m_groupSize = new QSpinBox(box);
    m_groupSize->setObjectName(QStringLiteral("groupSizeSpin"));
    m_groupSize->setRange(1, 1 << 24);
    m_groupSize->setToolTip(tr("Group size G: elements per group along the axis."));
    auto* axisRow = new QHBoxLayout;
    axisRow->addWidget(new QLabel(tr("Axis"), box));
    axisRow->addWidget(m_axis);
    axisRow->addSpacing(8);
    axisRow->addWidget(new QLabel(tr("Group"), box));
    axisRow->addWidget(m_groupSize, 1);
    form->addRow(QString(), axisRow);
    connect(m_axis, &QSpinBox::valueChanged, this, &QuantPanel::changed);
    connect(m_groupSize, &QSpinBox::valueChanged, this, &QuantPanel::changed);
}

// The rounding mode.
void QuantPanel::buildRoundingRow(QFormLayout* form)
{
    m_rounding = makeCombo("roundingCombo", roundingNames());
    describeItems<Rounding>(m_rounding, kItemTipRole);
    m_rounding->setToolTip(choiceLines<Rounding>());
    form->addRow(tr("Rounding"), m_rounding);
}

// The conventions where reference systems differ, shown while the box is checked.
QGroupBox* QuantPanel::buildConventionsBox()
{
    m_advanced = new QGroupBox(tr("Conventions"), this);
    m_advanced->setObjectName(QStringLiteral("advancedBox"));
    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    m_advanced->setToolTip(tr("Where reference systems disagree. Unchecked: project defaults."));
    // The conventions' controls are shown only while the box is checked (saves room).
    auto* advBody = new QWidget(m_advanced);
    auto* advOuter = new QVBoxLayout(m_advanced);
    advOuter->setContentsMargins(0, 0, 0, 0);
    advOuter->addWidget(advBody);
    advBody->setVisible(false);
    connect(m_advanced, &QGroupBox::toggled, advBody, &QWidget::setVisible);
    m_advanced->setFlat(true); // no empty frame while collapsed
    connect(m_advanced, &QGroupBox::toggled, m_advanced,
            [this](bool on) { m_advanced->setFlat(!on); });
    auto* adv = new QFormLayout(advBody);
    m_roundingOrder = makeCombo("roundingOrderCombo", {toName(RoundingOrder::AfterZeroPoint),
                                                       toName(RoundingOrder::BeforeZeroPoint)});
    m_roundingOrder->setToolTip(tr("after-zero-point: q = round(x/s + z) (the course notebooks)\n"
                                   "before-zero-point: q = round(x/s) + z (PyTorch, ONNX)"));
    adv->addRow(tr("Order"), m_roundingOrder);
    m_symmetricScale = makeCombo(
        "symmetricScaleCombo", {toName(SymmetricScale::MaxCode), toName(SymmetricScale::HalfSpan)});
    m_symmetricScale->setToolTip(tr("Symmetric scale denominator: 2^(b-1)-1 (127 at 8 bits) or "
                                    "(qmax-qmin)/2 (127.5, PyTorch)."));
    adv->addRow(tr("Sym. scale"), m_symmetricScale);
    m_multiplyByInverse = new QCheckBox(tr("Multiply by 1/s"), m_advanced);
    m_multiplyByInverse->setToolTip(tr("q from x * (1/s) (PyTorch) instead of x / s."));
    m_float32Params = new QCheckBox(tr("float32 parameters"), m_advanced);
    m_float32Params->setToolTip(tr("Compute s, z and x/s + z in float32 (TensorFlow, PyTorch)."));
    m_reciprocalScale = new QCheckBox(tr("Reciprocal scale (TensorRT)"), m_advanced);
    m_reciprocalScale->setObjectName(QStringLiteral("reciprocalScaleCheck"));
    m_reciprocalScale->setToolTip(
        tr("Symmetric only: keep the scale as s' = qmax / amax in float32, as TensorRT's "
           "toolkit does: q = clamp(round(x * s')), x^ = q / s' (all float32; amax <= 2^-24 "
           "gives all zeros)."));
    adv->addRow(m_multiplyByInverse);
    adv->addRow(m_float32Params);
    adv->addRow(m_reciprocalScale);
    m_seed = new QSpinBox(m_advanced);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 1 << 24);
    m_seed->setToolTip(tr("Seed of stochastic rounding."));
    adv->addRow(tr("Seed"), m_seed);
    connect(m_advanced, &QGroupBox::toggled, this, &QuantPanel::changed);
    connect(m_multiplyByInverse, &QCheckBox::toggled, this, &QuantPanel::changed);
    connect(m_reciprocalScale, &QCheckBox::toggled, this, &QuantPanel::changed);
    connect(m_float32Params, &QCheckBox::toggled, this, &QuantPanel::changed);
    connect(m_seed, &QSpinBox::valueChanged, this, &QuantPanel::changed);
    return m_advanced;
}

} // namespace qs::ui
