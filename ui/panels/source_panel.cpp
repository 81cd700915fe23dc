#include "ui/panels/source_panel.h"

#include "ui/panels/model_browser.h"
#include "ui/panels/model_tree.h"
#include "ui/panels/numbers_panel.h"
#include "ui/support/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qs::ui {

namespace {

QDoubleSpinBox* makeDouble(QWidget* parent, double lo, double hi, int decimals, const char* name)
{
    auto* s = new QDoubleSpinBox(parent);
    s->setObjectName(QLatin1String(name));
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setKeyboardTracking(false);
    return s;
}

} // namespace

SourcePanel::SourcePanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* box = new QGroupBox(tr("Source"), this);
    auto* v = new QVBoxLayout(box);
    buildButtons(box, v);
    buildFileRows(box, v);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    buildDistributionRows(box);
    buildParameterRows(box);
    buildSeedAndOutlierRows(box);
    v->addLayout(m_form);
    layout->addWidget(box);
    connectEdits();
    layout->addWidget(buildFactsBox());

    setGeneratorOptions(exampleGenerator());
}

// "Generate" and "Open file..."
void SourcePanel::buildButtons(QWidget* box, QVBoxLayout* v)
{
    auto* buttons = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open file…"), box);
    open->setObjectName(QStringLiteral("openButton"));
    open->setToolTip(
        tr("Load .npy, .npz, .safetensors, .gguf, .onnx, a PyTorch checkpoint (.pt .pth .bin), "
           ".csv/.txt or an image (Ctrl+O). "
           "You can also drop a file on the window."));
    auto* gen = new QPushButton(tr("Generate"), box);
    gen->setObjectName(QStringLiteral("generateButton"));
    gen->setToolTip(tr("Make a tensor from the generator options below."));
    buttons->addWidget(gen);
    buttons->addWidget(open);
    v->addLayout(buttons);
    connect(open, &QPushButton::clicked, this, &SourcePanel::openRequested);
    connect(gen, &QPushButton::clicked, this, &SourcePanel::generateRequested);
}

// The model browser of multi-tensor files and the image loading option.
void SourcePanel::buildFileRows(QWidget* box, QVBoxLayout* v)
{
    m_browserPane = new QWidget(box);
    auto* pane = new QVBoxLayout(m_browserPane);
    pane->setContentsMargins(6, 0, 6, 6);
    m_browser = new ModelBrowser(m_browserPane);
    m_browser->setMinimumHeight(160);
    pane->addWidget(m_browser);
    v->addWidget(m_browserPane);
    connect(m_browser, &ModelBrowser::tensorActivated, this, &SourcePanel::memberChosen);
    m_grayscale = new QCheckBox(tr("Images as grayscale"), box);
    m_grayscale->setObjectName(QStringLiteral("grayscaleCheck"));
    m_grayscale->setToolTip(tr("Load images as H x W x 1 luminance instead of H x W x 3 RGB."));
    connect(m_grayscale, &QCheckBox::toggled, this, &SourcePanel::grayscaleChanged);
    v->addWidget(m_grayscale);
    clearMembers();
}

// The distribution and the shape of a generated tensor.
void SourcePanel::buildDistributionRows(QWidget* box)
{
    m_distribution = new QComboBox(box);
    m_distribution->setObjectName(QStringLiteral("distributionCombo"));
    for (const std::string& n : distributionNames())
        m_distribution->addItem(QString::fromStdString(n), QString::fromStdString(n));
    m_distribution->setToolTip(
        tr("uniform(low, high); normal(mean, std); laplace(mean, b = std/sqrt 2); he: Keras "
           "VarianceScaling, truncated normal, std = sqrt(scale / fan) / 0.87962566; bimodal: "
           "two normals at +-separation/2"));
    m_form->addRow(tr("Distribution"), m_distribution);
    m_shape = new QLineEdit(box);
    m_shape->setObjectName(QStringLiteral("shapeEdit"));
    m_shape->setToolTip(tr("Shape, e.g. 4096 or 256x64 or 3x3x64x128 (at most 1e9 elements)."));
    m_form->addRow(tr("Shape"), m_shape);
    connect(m_shape, &QLineEdit::editingFinished, this, &SourcePanel::edited);
}

// The distribution's parameters; each row is shown only for the distributions that use it.
void SourcePanel::buildParameterRows(QWidget* box)
{
    m_low = makeDouble(box, -1e6, 1e6, 3, "lowSpin");
    m_high = makeDouble(box, -1e6, 1e6, 3, "highSpin");
    m_mean = makeDouble(box, -1e6, 1e6, 3, "meanSpin");
    m_std = makeDouble(box, 0.001, 1e6, 3, "stdSpin");
    m_heScale = makeDouble(box, 0.001, 1000, 3, "heScaleSpin");
    m_separation = makeDouble(box, 0, 1e6, 3, "separationSpin");
    m_fanMode = new QComboBox(box);
    for (FanMode f : {FanMode::FanIn, FanMode::FanOut, FanMode::FanAvg})
        m_fanMode->addItem(fanModeName(f), fanModeName(f));
    m_low->setToolTip(tr("Lower bound of the uniform distribution."));
    m_high->setToolTip(tr("Upper bound of the uniform distribution."));
    m_std->setToolTip(tr("Standard deviation (normal, laplace, bimodal peaks)."));
    m_heScale->setToolTip(tr("VarianceScaling scale (2 = He)."));

    auto addParam = [this](const QString& label, QWidget* w, std::initializer_list<int> dists) {
        auto* l = new QLabel(label, w->parentWidget());
        m_form->addRow(l, w);
        for (int d : dists) {
            m_rows[d] << l << w;
        }
    };
    const int U = int(Distribution::Uniform), N = int(Distribution::Normal),
              L = int(Distribution::Laplace), H = int(Distribution::He),
              B = int(Distribution::Bimodal);
    addParam(tr("Low"), m_low, {U});
    addParam(tr("High"), m_high, {U});
    addParam(tr("Mean"), m_mean, {N, L});
    addParam(tr("Std"), m_std, {N, L, B});
    addParam(tr("Scale"), m_heScale, {H});
    addParam(tr("Fan"), m_fanMode, {H});
    addParam(tr("Separation"), m_separation, {B});
}

// Seed, outliers and rounding to decimals.
void SourcePanel::buildSeedAndOutlierRows(QWidget* box)
{
    m_seed = new QSpinBox(box);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 1 << 24);
    m_seed->setKeyboardTracking(false);
    m_seed->setToolTip(tr("Random seed: the same seed gives the same values on every machine."));
    m_form->addRow(tr("Seed"), m_seed);
    m_outliers = new QSpinBox(box);
    m_outliers->setObjectName(QStringLiteral("outliersSpin"));
    m_outliers->setRange(0, 1 << 24);
    m_outliers->setKeyboardTracking(false);
    m_outlierValue = makeDouble(box, -1e6, 1e6, 2, "outlierValueSpin");
    m_outlierPosition = new QComboBox(box);
    for (const char* p : {"end", "start", "random"})
        m_outlierPosition->addItem(QLatin1String(p), QLatin1String(p));
    m_outliers->setToolTip(
        tr("Number of values replaced by the outlier value (as in the outlier notebook)."));
    m_outlierPosition->setToolTip(tr("Where the outliers go: the last values, the first "
                                     "values or random positions (seeded)."));
    m_outlierValue->setToolTip(tr("The value every outlier takes."));
    m_form->addRow(tr("Outliers"), m_outliers);
    m_form->addRow(tr("Outlier value"), m_outlierValue);
    m_form->addRow(tr("Placed at"), m_outlierPosition);
    m_decimals = new QSpinBox(box);
    m_decimals->setObjectName(QStringLiteral("decimalsSpin"));
    m_decimals->setRange(-1, 15);
    m_decimals->setSpecialValueText(tr("off"));
    m_decimals->setKeyboardTracking(false);
    m_decimals->setToolTip(
        tr("Round every value to this many decimals (np.round), as in the outlier notebook."));
    m_form->addRow(tr("Decimals"), m_decimals);
}

// Every generator option regenerates the tensor when edited.
void SourcePanel::connectEdits()
{
    connect(m_distribution, &QComboBox::currentIndexChanged, this, [this] {
        updateParamVisibility();
        edited();
    });
    for (QDoubleSpinBox* s :
         {m_low, m_high, m_mean, m_std, m_heScale, m_separation, m_outlierValue})
        connect(s, &QDoubleSpinBox::valueChanged, this, &SourcePanel::edited);
    for (QSpinBox* s : {m_seed, m_outliers, m_decimals})
        connect(s, &QSpinBox::valueChanged, this, &SourcePanel::edited);
    connect(m_fanMode, &QComboBox::currentIndexChanged, this, &SourcePanel::edited);
    connect(m_outlierPosition, &QComboBox::currentIndexChanged, this, &SourcePanel::edited);
}

QWidget* SourcePanel::buildFactsBox()
{
    auto* factsBox = new QGroupBox(tr("Tensor"), this);
    m_factsBox = factsBox;
    auto* fl = new QVBoxLayout(factsBox);
    m_facts = new QLabel(factsBox);
    m_facts->setObjectName(QStringLiteral("factsLabel"));
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setWordWrap(true);
    fl->addWidget(m_facts);
    return factsBox;
}

void SourcePanel::edited()
{
    if (!m_updating)
        emit generateRequested();
}

void SourcePanel::updateParamVisibility()
{
    const int d = int(distributionFromName(m_distribution->currentData().toString().toStdString()));
    QList<QWidget*> all;
    for (const auto& rows : m_rows)
        all << rows;
    for (QWidget* w : all)
        w->setVisible(m_rows[d].contains(w));
}

GeneratorOptions SourcePanel::generatorOptions() const
{
    GeneratorOptions g;
    g.distribution = distributionFromName(m_distribution->currentData().toString().toStdString());
    g.shape = parseShape(m_shape->text().trimmed().toStdString());
    g.seed = uint64_t(m_seed->value());
    g.low = m_low->value();
    g.high = m_high->value();
    g.mean = m_mean->value();
    g.std = m_std->value();
    g.heScale = m_heScale->value();
    g.fanMode = fanModeFromName(m_fanMode->currentData().toString());
    g.separation = m_separation->value();
    g.decimals = m_decimals->value();
    g.outliers = m_outliers->value();
    g.outlierValue = m_outlierValue->value();
    g.outlierPosition = m_outlierPosition->currentData().toString().toStdString();
    return g;
}

void SourcePanel::setGeneratorOptions(const GeneratorOptions& g)
{
    m_updating = true;
    m_distribution->setCurrentIndex(
        m_distribution->findData(QString::fromStdString(toName(g.distribution))));
    std::string shape;
    for (size_t i = 0; i < g.shape.size(); ++i)
        shape += (i ? "x" : "") + std::to_string(g.shape[i]);
    m_shape->setText(g.shape.empty() ? QStringLiteral("scalar") : QString::fromStdString(shape));
    m_seed->setValue(int(std::min<uint64_t>(g.seed, uint64_t(m_seed->maximum()))));
    m_low->setValue(g.low);
    m_high->setValue(g.high);
    m_mean->setValue(g.mean);
    m_std->setValue(g.std);
    m_heScale->setValue(g.heScale);
    m_fanMode->setCurrentIndex(m_fanMode->findData(fanModeName(g.fanMode)));
    m_separation->setValue(g.separation);
    m_decimals->setValue(g.decimals);
    m_outliers->setValue(int(std::min<int64_t>(g.outliers, m_outliers->maximum())));
    m_outlierValue->setValue(g.outlierValue);
    const int pos = m_outlierPosition->findData(QString::fromStdString(g.outlierPosition));
    m_outlierPosition->setCurrentIndex(pos < 0 ? 0 : pos);
    updateParamVisibility();
    m_updating = false;
}

void SourcePanel::setMembers(const std::vector<TensorInfo>& members, const QString& current)
{
    const bool show = members.size() > 1;
    if (show)
        m_browser->setTensors(members, current);
    else
        m_browser->clear();
    m_browserPane->setVisible(show && m_browserAllowed);
}

void SourcePanel::setBrowserAllowed(bool allowed)
{
    m_browserAllowed = allowed;
    m_browserPane->setVisible(allowed && m_browser->model()->tensorCount() > 1);
}

void SourcePanel::clearMembers()
{
    m_browser->clear();
    m_browserPane->hide();
}

void SourcePanel::setFacts(const Tensor& t, const TensorFacts& f, const QString& origin,
                           const QString& storedAs)
{
    QString text =
        QStringLiteral("<b>%1</b>  %2  %3<br>")
            .arg(QString::fromStdString(t.name).toHtmlEscaped(),
                 QString::fromStdString(t.shapeString()), QString::fromStdString(t.dtype));
    text += tr("%1 values").arg(QLocale().toString(qlonglong(t.numel())));
    if (!origin.isEmpty())
        text += QStringLiteral(" · ") + origin.toHtmlEscaped();
    text += QStringLiteral("<br>");
    text += tr("min %1 · max %2<br>mean %3 · std %4")
                .arg(formatNumber(f.min, 5), formatNumber(f.max, 5), formatNumber(f.mean, 5),
                     formatNumber(f.std, 5));
    text += QStringLiteral("<br>") + tr("non-finite: %1").arg(f.nonfinite);
    const bool converted = t.dtype != "float32" && t.dtype != "<f4" && t.dtype != "F32";
    if (!storedAs.isEmpty())
        text += QStringLiteral("<br><i>") + tr("stored as %1").arg(storedAs.toHtmlEscaped()) +
                (converted ? tr(", converted to float32") : QString()) + QStringLiteral("</i>");
    else if (converted)
        text += QStringLiteral("<br><i>") +
                tr("converted from %1 to float32").arg(QString::fromStdString(t.dtype)) +
                QStringLiteral("</i>");
    m_facts->setText(text);
}

QString SourcePanel::factsText() const
{
    QString t = m_facts->text();
    t.replace(QStringLiteral("<br>"), QStringLiteral("\n"));
    t.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
    return t;
}

bool SourcePanel::grayscale() const
{
    return m_grayscale->isChecked();
}

} // namespace qs::ui
