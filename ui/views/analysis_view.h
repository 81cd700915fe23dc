// AnalysisView: a view of the current tensor and result beyond the five basic charts (number
// line, bit-width sweep, clipping curve, A/B comparison, worked example, block inspector, image
// compression, integer arithmetic, float16 pitfalls). The main window owns each as a tab and calls
// setAnalysis() whenever it shows a new result; views compute anything expensive off the GUI
// thread themselves. Every view can be exported through the common export path.
#pragma once

#include "core/base/tensor.h"
#include "core/quant/quantize.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>

class QChart;

namespace qs::ui {

class AnalysisView : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString viewName() const = 0;  // stable id: "number-line", "sweep", "clipping", ...
    virtual QString viewTitle() const = 0; // tab title
    virtual void setAnalysis(std::shared_ptr<const Tensor> tensor,
                             std::shared_ptr<const QuantResult> result) = 0;
    // Charts this view shows, for PNG/SVG/PDF export (the view keeps ownership). Views without
    // charts return an empty list and are exported by rendering exportWidget().
    virtual QList<QChart*> exportCharts() { return {}; }
    virtual QWidget* exportWidget() { return this; }
    // True while a computation started by setAnalysis() (or the view's own controls) has not
    // reached the screen yet; views that compute on the GUI thread never are.
    virtual bool isComputing() const { return false; }
    // Presentation mode: large fonts, thick lines, high contrast.
    virtual void setPresentationMode(bool on) { m_presentation = on; }

signals:
    // The view asks the window to apply a configuration (e.g. "restore pinned config B").
    void configRequested(const qs::QuantConfig& config);
    // The view finished (re)computing what it shows.
    void viewUpdated();

protected:
    bool m_presentation = false;
};

} // namespace qs::ui
