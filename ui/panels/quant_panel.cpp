#include "ui/panels/quant_panel.h"

#include "core/config/presets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <cmath>

namespace qs::ui {

namespace {

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

void setItemEnabled(QComboBox* combo, int index, bool enabled, const QString& why)
{
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    if (!model)
        return;
    QStandardItem* item = model->item(index);
    item->setEnabled(enabled);
    item->setToolTip(enabled ? QString() : why);
}

int indexOfName(QComboBox* combo, const std::string& name)
{
    return combo->findData(qstr(name));
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

} // namespace

QComboBox* QuantPanel::makeCombo(const char* objectName, const std::vector<std::string>& names)
{
    auto* combo = new QComboBox(this);
    combo->setObjectName(QLatin1String(objectName));
    for (const std::string& n : names)
        combo->addItem(qstr(n), qstr(n));
    connect(combo, &QComboBox::currentIndexChanged, this, &QuantPanel::changed);
    return combo;
}

QuantPanel::QuantPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* box = new QGroupBox(tr("Quantization"), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_preset = new QComboBox(box);
    m_preset->setObjectName(QStringLiteral("presetCombo"));
    m_preset->addItem(tr("(none)"), QString());
    QString system;
    for (const Preset& p : presets()) {
        if (qstr(p.system) != system) {
            if (!system.isEmpty())
                m_preset->insertSeparator(m_preset->count());
            system = qstr(p.system);
        }
        m_preset->addItem(qstr(p.name), qstr(p.name));
        m_preset->setItemData(m_preset->count() - 1, qstr("[" + p.system + "] " + p.description),
                              Qt::ToolTipRole);
    }
    m_preset->setToolTip(tr("Sets every control to what a reference system (PyTorch, ONNX "
                            "Runtime, TensorRT, GGML, bitsandbytes, OCP) or a seed notebook "
                            "does. Any control may be changed afterwards."));
    connect(m_preset, &QComboBox::activated, this, &QuantPanel::applyPreset);
    form->addRow(tr("Preset"), m_preset);

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

    m_scheme = makeCombo("schemeCombo", schemeNames());
    // Groups: integer, 16-bit floats | float8/4 | microscaling | code books | GGML / int8 blocks.
    {
        QSignalBlocker block(m_scheme);
        for (Scheme first : {Scheme::MXFP8_E4M3, Scheme::NF4, Scheme::Q8_0, Scheme::E4M3})
            m_scheme->insertSeparator(indexOfName(m_scheme, toName(first)));
    }
    m_scheme->setToolTip(
        tr("asymmetric (affine): s = (beta - alpha) / (qmax - qmin), z = qmin - round(alpha / s)\n"
           "symmetric: s = max|x| / (2^(b-1) - 1), z = 0\n"
           "fp16 / bf16: round to the nearest 16-bit float (ties to even)\n"
           "e4m3 / e5m2 / e2m1: OCP float8 / float4, round to nearest even\n"
           "mxfp8 / mxfp4 / mxint8: OCP microscaling, power-of-two scale per 32 elements\n"
           "nf4 / fp4: bitsandbytes code books with an absmax per block of G\n"
           "codebook: your values; lloyd-max: the MSE-optimal 2^b values for this tensor\n"
           "q8_0 / q4_0 / q4_1: GGML blocks of 32; absmax-int8: int8 absmax blocks of G\n"
           "dynamic8: bitsandbytes' dynamic 8-bit map (dense near 0) with an absmax per block "
           "of G\n"
           "Shortcut: Ctrl+] / Ctrl+[ for the next / previous scheme."));
    form->addRow(tr("Scheme"), m_scheme);

    m_saturate = new QCheckBox(tr("Saturate overflow"), box);
    m_saturate->setObjectName(QStringLiteral("saturateCheck"));
    m_saturate->setToolTip(tr("e4m3 / e5m2: values beyond the largest float8 become +-max "
                              "(ONNX Cast saturate=1); off: NaN (e4m3) or +-inf (e5m2)."));
    connect(m_saturate, &QCheckBox::toggled, this, &QuantPanel::changed);
    form->addRow(QString(), m_saturate);
    m_codebook = new QLineEdit(box);
    m_codebook->setObjectName(QStringLiteral("codebookEdit"));
    m_codebook->setPlaceholderText(tr("e.g. -1, -0.5, 0, 0.5, 1"));
    m_codebook->setToolTip(tr("Values of the codebook scheme, comma-separated. Granularity "
                              "group: values in [-1, 1] times each block's absmax; otherwise "
                              "the values themselves."));
    connect(m_codebook, &QLineEdit::editingFinished, this, &QuantPanel::changed);
    form->addRow(tr("Code book"), m_codebook);

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
        "lies in the code range (PyTorch, ONNX Runtime, TFLite). Off reproduces seeds 000/001."));
    form->addRow(QString(), m_signed);
    form->addRow(QString(), m_fullRange);
    form->addRow(QString(), m_includeZero);
    for (QCheckBox* c : {m_signed, m_fullRange, m_includeZero})
        connect(c, &QCheckBox::toggled, this, &QuantPanel::changed);

    m_range = makeCombo("rangeCombo", rangeMethodNames());
    m_range->setToolTip(
        tr("How the clipping range [alpha, beta] is chosen per slice:\n"
           "minmax: alpha = min x, beta = max x\n"
           "percentile: numpy.percentile (linear) at 100-p and p (|x| at p for symmetric)\n"
           "mse: the clipping range that minimises the quantization MSE at these bits\n"
           "entropy: TensorRT KL-divergence calibration on a 2048-bin histogram of |x|\n"
           "trt-percentile, trt-mse, ort-percentile, ort-entropy: the TensorRT and ONNX Runtime "
           "histogram calibrators (a float32 bin edge, as those systems compute it)"));
    const std::pair<RangeMethod, const char*> rangeTips[] = {
        {RangeMethod::MinMax, "alpha = min x, beta = max x"},
        {RangeMethod::Percentile,
         "numpy.percentile (linear) of x at 100-p and p; symmetric: of |x| at p"},
        {RangeMethod::MSE, "the range minimising the quantization MSE of this slice at these bits"},
        {RangeMethod::Entropy,
         "TensorRT entropy: amax = edge e_i (i >= 128) of the 2048-bin histogram of |x| "
         "minimising KL(P || Q), Q = bins[:i] merged into 2^(b-1) groups; last minimum"},
        {RangeMethod::TrtPercentile,
         "TensorRT percentile: amax = e[searchsorted(cumsum(h / n), p / 100)], h = 2048 bins of "
         "|x| over [0, max |x|]"},
        {RangeMethod::TrtMse,
         "TensorRT mse: amax = bin centre c_i (i >= 128) minimising sum_k h_k (fq(c_k) - c_k)^2, "
         "fq = fake quantization with s = 127 / c_i"},
        {RangeMethod::OrtPercentile,
         "ONNX Runtime percentile (symmetric): t = e[searchsorted(cumsum(h / n), p / 100)], "
         "h = 2048 bins of |x| over [min |x|, max |x|]; [-t, t] clipped to [min x, max x]"},
        {RangeMethod::OrtEntropy,
         "ONNX Runtime entropy (128 bins, 128 quantized bins): a single KL window, the whole "
         "histogram, so [min x, max x]"},
    };
    for (const auto& [method, tip] : rangeTips) {
        const int i = m_range->findData(qstr(toName(method)));
        if (i >= 0)
            m_range->setItemData(i, tr(tip), Qt::ToolTipRole);
    }
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

    m_rounding = makeCombo("roundingCombo", roundingNames());
    m_rounding->setToolTip(
        tr("half-even: ties to even (NumPy, PyTorch, ONNX)\nhalf-away: ties away from zero\n"
           "half-up: floor(v + 0.5)\nfloor: toward -inf\ntruncate: toward zero (astype(uint8), "
           "tf.cast)\nstochastic: floor(v) + (u < frac(v)), seeded"));
    form->addRow(tr("Rounding"), m_rounding);
    layout->addWidget(box);

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
    m_roundingOrder->setToolTip(tr("after-zero-point: q = round(x/s + z) (the seeds)\n"
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
    m_seed->setRange(0, 1 << 24);
    m_seed->setToolTip(tr("Seed of stochastic rounding."));
    adv->addRow(tr("Seed"), m_seed);
    connect(m_advanced, &QGroupBox::toggled, this, &QuantPanel::changed);
    connect(m_multiplyByInverse, &QCheckBox::toggled, this, &QuantPanel::changed);
    connect(m_reciprocalScale, &QCheckBox::toggled, this, &QuantPanel::changed);
    connect(m_float32Params, &QCheckBox::toggled, this, &QuantPanel::changed);
    connect(m_seed, &QSpinBox::valueChanged, this, &QuantPanel::changed);
    layout->addWidget(m_advanced);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("quantNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);

    m_updating = true;
    setConfig(QuantConfig());
    m_updating = false;
    updateEnabled();
}

QuantConfig QuantPanel::config() const
{
    QuantConfig c;
    c.bits = m_bits->value();
    c.scheme = schemeFromName(m_scheme->currentData().toString().toStdString());
    c.signedCodes = m_signed->isChecked();
    c.fullRange = m_fullRange->isChecked();
    c.includeZero = m_includeZero->isChecked();
    c.range = rangeMethodFromName(m_range->currentData().toString().toStdString());
    c.percentile = m_percentile->value();
    c.granularity = granularityFromName(m_granularity->currentData().toString().toStdString());
    c.axis = m_axis->value();
    c.groupSize = m_groupSize->value();
    c.rounding = roundingFromName(m_rounding->currentData().toString().toStdString());
    c.saturate = m_saturate->isChecked();
    c.codebook = codebookValues();
    if (c.scheme == Scheme::Codebook && c.codebook.empty())
        c.codebook = {-1, -0.5, 0, 0.5, 1}; // never an invalid config from the panel
    if (c.scheme == Scheme::LloydMax && c.bits > 8)
        c.bits = 8;
    c.preset = m_presetName.empty() ? std::string()
                                    : m_presetName + (m_presetModified ? " + changes" : "");
    if (m_advanced->isChecked()) {
        c.roundingOrder =
            roundingOrderFromName(m_roundingOrder->currentData().toString().toStdString());
        c.symmetricScale =
            symmetricScaleFromName(m_symmetricScale->currentData().toString().toStdString());
        c.multiplyByInverse = m_multiplyByInverse->isChecked();
        c.float32Params = m_float32Params->isChecked();
        c.reciprocalScale = m_reciprocalScale->isEnabled() && m_reciprocalScale->isChecked();
        c.seed = uint64_t(m_seed->value());
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
        m_scheme->setCurrentIndex(indexOfName(m_scheme, toName(c.scheme)));
        m_bits->setMinimum(c.scheme == Scheme::Symmetric ? 2 : 1);
        m_bits->setValue(c.bits);
        m_signed->setChecked(c.signedCodes);
        m_fullRange->setChecked(c.fullRange);
        m_includeZero->setChecked(c.includeZero);
        m_range->setCurrentIndex(indexOfName(m_range, toName(c.range)));
        m_percentile->setValue(c.percentile);
        m_granularity->setCurrentIndex(indexOfName(m_granularity, toName(c.granularity)));
        if (c.axis > m_axis->maximum())
            m_axis->setMaximum(c.axis);
        m_axis->setValue(c.axis);
        m_groupSize->setValue(int(std::min<int64_t>(c.groupSize, m_groupSize->maximum())));
        m_rounding->setCurrentIndex(indexOfName(m_rounding, toName(c.rounding)));
        m_saturate->setChecked(c.saturate);
        QStringList values;
        for (double v : c.codebook)
            values << QString::number(v, 'g', 9);
        m_codebook->setText(values.join(QStringLiteral(", ")));
        const std::string suffix = " + changes";
        m_presetModified =
            c.preset.size() > suffix.size() &&
            c.preset.compare(c.preset.size() - suffix.size(), suffix.size(), suffix) == 0;
        m_presetName =
            m_presetModified ? c.preset.substr(0, c.preset.size() - suffix.size()) : c.preset;
        const int pi = m_presetName.empty() ? 0 : indexOfName(m_preset, m_presetName);
        m_preset->setCurrentIndex(pi < 0 ? 0 : pi);
        const QuantConfig defaults;
        const bool advanced = c.roundingOrder != defaults.roundingOrder ||
                              c.symmetricScale != defaults.symmetricScale || c.multiplyByInverse ||
                              c.float32Params || c.reciprocalScale || c.seed != 0;
        m_advanced->setChecked(advanced);
        m_roundingOrder->setCurrentIndex(indexOfName(m_roundingOrder, toName(c.roundingOrder)));
        m_symmetricScale->setCurrentIndex(indexOfName(m_symmetricScale, toName(c.symmetricScale)));
        m_multiplyByInverse->setChecked(c.multiplyByInverse);
        m_float32Params->setChecked(c.float32Params);
        m_reciprocalScale->setChecked(c.reciprocalScale);
        m_seed->setValue(int(std::min<uint64_t>(c.seed, uint64_t(m_seed->maximum()))));
        m_updating = wasUpdating;
    }
    updateEnabled();
    const QuantConfig after = config();
    if (!m_updating && configToString(before) != configToString(after))
        emit configChanged();
}

std::string QuantPanel::configToString(const QuantConfig& c)
{
    return c.summary() + "|" + std::to_string(c.percentile) + "|" + std::to_string(c.axis) + "|" +
           std::to_string(c.groupSize) + "|" + std::to_string(c.signedCodes) +
           std::to_string(c.fullRange) + std::to_string(c.includeZero) +
           std::to_string(c.multiplyByInverse) + std::to_string(c.float32Params) +
           std::to_string(c.reciprocalScale) + "|" + toName(c.roundingOrder) +
           toName(c.symmetricScale) + std::to_string(c.seed) + "|" + std::to_string(c.saturate) +
           std::to_string(c.codebook.size()) + c.preset;
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
    std::vector<double> v;
    for (const QString& part : m_codebook->text().split(
             QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
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
    const Scheme scheme = schemeFromName(m_scheme->currentData().toString().toStdString());
    const bool integer = scheme == Scheme::Asymmetric || scheme == Scheme::Symmetric;
    const bool asym = scheme == Scheme::Asymmetric;
    const bool sym = scheme == Scheme::Symmetric;
    const bool lowbit = isLowbitScheme(scheme);
    const bool lloyd = scheme == Scheme::LloydMax;
    QStringList notes;

    m_bits->setMinimum(sym ? 2 : 1);
    m_reciprocalScale->setEnabled(sym);
    m_bitsSlider->setMinimum(sym ? 2 : 1);
    m_bits->setMaximum(lloyd ? 8 : 16);
    m_bitsSlider->setMaximum(lloyd ? 8 : 16);
    const QString fixedBits =
        tr("Not used by %1: the format fixes its bit width.").arg(qstr(toName(scheme)));
    setApplies(m_bits, integer || lloyd, fixedBits);
    setApplies(m_bitsSlider, integer || lloyd, fixedBits);
    setApplies(m_saturate, scheme == Scheme::E4M3 || scheme == Scheme::E5M2,
               scheme == Scheme::E2M1 ? tr("E2M1 has no inf or NaN: it always saturates.")
                                      : tr("Only e4m3 and e5m2 can overflow to NaN / inf."));
    setApplies(m_codebook, scheme == Scheme::Codebook,
               tr("Only the codebook scheme uses a list of values."));
    setItemEnabled(m_scheme, indexOfName(m_scheme, toName(Scheme::Symmetric)),
                   m_bits->value() >= 2 || sym,
                   tr("Symmetric quantization needs at least 2 bits (no 1-bit grid with zero)."));
    if (sym)
        notes << tr("Symmetric needs 2+ bits; zero point is 0.");

    m_signed->setEnabled(asym);
    m_fullRange->setEnabled(sym);
    m_includeZero->setEnabled(asym);
    const QString ownScale =
        tr("Not used by %1: the format computes its own scales and rounds to nearest.")
            .arg(qstr(toName(scheme)));
    setApplies(m_range, integer, lowbit ? ownScale : QString());
    setApplies(m_rounding, integer, lowbit ? ownScale : QString());
    setApplies(m_granularity, integer || scheme == Scheme::Codebook,
               lowbit ? tr("%1 fixes its blocks (see the note below).").arg(qstr(toName(scheme)))
                      : QString());
    const RangeMethod range = rangeMethodFromName(m_range->currentData().toString().toStdString());
    m_percentile->setEnabled(integer && usesPercentile(range));

    const bool scalar = m_hasShape && m_shape.empty();
    const int rank = int(m_shape.size());
    for (Granularity g : {Granularity::PerChannel, Granularity::PerGroup})
        setItemEnabled(m_granularity, indexOfName(m_granularity, toName(g)), !scalar,
                       tr("A 0-d tensor has no axis: only per tensor."));
    const Granularity gran =
        granularityFromName(m_granularity->currentData().toString().toStdString());
    m_axis->setEnabled(integer && gran != Granularity::PerTensor);
    setApplies(m_groupSize,
               (integer && gran == Granularity::PerGroup) || usesGroupSize(scheme) ||
                   (scheme == Scheme::Codebook && gran == Granularity::PerGroup),
               lowbit ? tr("%1 has no block size to choose.").arg(qstr(toName(scheme)))
                      : QString());
    if (gran != Granularity::PerTensor && rank > 0 && integer)
        notes << tr("Axis %1 of %2: %3 slices along a length of %4.")
                     .arg(m_axis->value())
                     .arg(rank)
                     .arg(
                         gran == Granularity::PerChannel
                             ? QString::number(m_shape[size_t(std::min(m_axis->value(), rank - 1))])
                             : tr("groups of %1").arg(m_groupSize->value()))
                     .arg(m_shape[size_t(std::min(m_axis->value(), rank - 1))]);
    if (lowbit) {
        QuantConfig c;
        c.scheme = scheme;
        c.bits = m_bits->value();
        c.groupSize = m_groupSize->value();
        c.granularity = gran;
        c.saturate = m_saturate->isChecked();
        c.codebook = codebookValues();
        notes << qstr(c.summary()) + QLatin1Char('.');
        if (usesGroupSize(scheme) || (scheme == Scheme::Codebook && gran == Granularity::PerGroup))
            notes << tr("Blocks of G = %1 consecutive elements of the flattened tensor.")
                         .arg(m_groupSize->value());
        if (scheme == Scheme::Codebook && codebookValues().empty())
            notes << tr("No values given: using -1, -0.5, 0, 0.5, 1.");
    } else if (!integer) {
        notes << tr("fp16 / bf16 round each value to the nearest 16-bit float: bits, range "
                    "method, granularity and rounding do not apply.");
    }
    m_advanced->setEnabled(integer);
    m_symmetricScale->setEnabled(sym);
    m_seed->setEnabled(roundingFromName(m_rounding->currentData().toString().toStdString()) ==
                       Rounding::Stochastic);
    m_note->setText(notes.join(QLatin1Char(' ')));
    m_updating = wasUpdating;
}

} // namespace qs::ui
