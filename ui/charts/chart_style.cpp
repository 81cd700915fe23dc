// ChartStyle: the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2002), chosen
// because its colours stay distinguishable for the common colour-vision deficiencies. In the
// dark theme the blue is replaced by the palette's sky blue, which keeps contrast on a dark
// background.
#include "ui/charts/charts.h"

#include <QGuiApplication>
#include <QPalette>

namespace qs::ui {

ChartStyle ChartStyle::fromPalette()
{
    ChartStyle s;
    const QColor window = QGuiApplication::palette().color(QPalette::Window);
    s.dark = window.lightness() < 128;
    return s;
}

QColor ChartStyle::original() const
{
    return dark ? QColor(0x56, 0xB4, 0xE9) : QColor(0x00, 0x72, 0xB2);
}

QColor ChartStyle::dequantized() const
{
    return QColor(0xE6, 0x9F, 0x00);
}

QColor ChartStyle::error() const
{
    return QColor(0xD5, 0x5E, 0x00);
}

QColor ChartStyle::grid() const
{
    return QColor(0x00, 0x9E, 0x73);
}

QColor ChartStyle::clip() const
{
    return QColor(0xCC, 0x79, 0xA7);
}

QColor ChartStyle::text() const
{
    return dark ? QColor(0xE6, 0xE6, 0xE6) : QColor(0x1A, 0x1A, 0x1A);
}

QColor ChartStyle::background() const
{
    return dark ? QColor(0x1E, 0x1F, 0x22) : QColor(Qt::white);
}

QColor ChartStyle::cycle(int i) const
{
    const QColor colors[] = {original(),
                             dequantized(),
                             grid(),
                             clip(),
                             error(),
                             QColor(0x56, 0xB4, 0xE9),
                             QColor(0xF0, 0xE4, 0x42)};
    return colors[i % 7];
}

} // namespace qs::ui
